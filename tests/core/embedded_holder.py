"""A process that uses the embedded server in DIR: prints `ready` once connected; with --hold it
keeps the server until its stdin closes (or it is killed)."""

import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from core.db import start_embedded_server
from core.errors import LoanGraphError

if __name__ == "__main__":
    try:  # as the CLIs do: an expected failure is one line on stderr
        engine = create_engine(start_embedded_server(Path(sys.argv[1])))
    except LoanGraphError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    with engine.connect() as conn:
        print("ready", conn.scalar(text("SELECT 1")), flush=True)
    engine.dispose()
    if "--hold" in sys.argv:
        sys.stdin.read()
