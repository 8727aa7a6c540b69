"""Who may connect to the embedded server: only the OS user running LoanGraph (peer authentication).

pgserver runs initdb with `--auth=trust`, so any local OS user who can reach the socket could connect as
`postgres` (the socket goes to a world-writable runtime directory when the data path is too long for a
socket name). Here pg_hba.conf is replaced by one `local ... peer` line mapped through pg_ident.conf to
this process's OS user: that user may connect as any role (the owner and the app role), nobody else as
any. A fresh data directory gets these files between initdb and its first start, never running on trust.
"""

from __future__ import annotations

import logging
import os
import pwd
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

MAP_NAME = "loangraph"
HBA_FILE = "pg_hba.conf"
IDENT_FILE = "pg_ident.conf"


def os_user() -> str:
    """This process's OS user name, as the server's peer check will see it."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a container uid without a passwd entry: peer authentication cannot name it
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL admits only its OS user by name, and user ID "
            f"{os.geteuid()} has none (add it to /etc/passwd or set DATABASE_URL)"
        ) from None


def hba_text() -> str:
    return (
        "# Written by LoanGraph (core/embedded_auth.py): local socket only, peer authentication through the\n"
        f"# '{MAP_NAME}' map in {IDENT_FILE}; no TCP (the server listens on none) and no trust.\n"
        f"local   all   all   peer map={MAP_NAME}\n"
    )


def ident_text(user: str) -> str:
    quoted = '"' + user.replace('"', '""') + '"'
    return (
        "# Written by LoanGraph (core/embedded_auth.py): the OS user running LoanGraph, as any role.\n"
        f"{MAP_NAME}   {quoted}   all\n"
    )


def write_auth(data_dir: Path) -> bool:
    """Put our pg_hba.conf and pg_ident.conf in `data_dir` (owner and mode kept); True if either changed."""
    changed = False
    for name, wanted in ((HBA_FILE, hba_text()), (IDENT_FILE, ident_text(os_user()))):
        path = data_dir / name
        try:
            current = path.read_text()
        except OSError:
            current = None
        if current != wanted:
            path.write_text(wanted)  # opened for writing in place: the server's user still owns it
            changed = True
    return changed


def reload_server(pid: int) -> None:
    """Ask a running postmaster to re-read its authentication files (SIGHUP, as pg_ctl reload)."""
    os.kill(pid, signal.SIGHUP)
    log.warning("embedded PostgreSQL: replaced trust authentication by peer authentication (reloaded PID %s)", pid)


@contextmanager
def peer_auth_at_initdb() -> Iterator[None]:
    """While pgserver starts a server, a fresh data directory gets our files right after its initdb."""
    import pgserver.postgres_server as pg_module

    original = pg_module.initdb

    def initdb(args: list[str], pgdata: Path | None = None, **kwargs: Any) -> str:
        output = str(original(args, pgdata=pgdata, **kwargs))
        if pgdata is not None:
            write_auth(Path(pgdata))
        return output

    pg_module.initdb = initdb
    try:
        yield
    finally:
        pg_module.initdb = original
