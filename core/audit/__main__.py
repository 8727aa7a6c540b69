"""CLI: check the audit log. `python -m core.audit` exits 0 when intact, 1 on any finding, 2 when
it cannot check (database unavailable, no audit key). `--reanchor` exports the current head after
an operator has investigated an anchor finding (only when the keyed chain itself verifies)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.audit import database_identity, database_name, verify_chain
from core.audit.anchor import Anchor, anchor_path, write_anchor
from core.audit.keys import audit_key
from core.audit.verify import audit_report
from core.db import session_scope
from core.errors import LoanGraphError
from core.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.audit", description=__doc__)
    parser.add_argument("--reanchor", action="store_true", help="export the current chain head (after investigating)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    settings = get_settings()
    try:
        key = audit_key(settings)
        with session_scope() as session:
            if args.reanchor:
                return _reanchor(session, key, settings.audit_anchor_path)
            report = audit_report(session, key=key, anchor_dir=settings.audit_anchor_path)
    except LoanGraphError as exc:
        print(f"audit check not possible: {exc}", file=sys.stderr)
        return 2
    if report.ok:
        print(f"audit log OK: {report.records} records, chain keyed and anchored, decisions match")
        return 0
    print(f"audit log TAMPERED ({len(report.problems)} findings, {report.records} records):", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


def _reanchor(session: Session, key: bytes, anchor_dir: Path) -> int:
    chain = verify_chain(session, key=key)
    if not chain.ok or chain.head is None:
        print(f"not re-anchored: {chain.problem or 'the log is empty'}", file=sys.stderr)
        return 1
    path = anchor_path(anchor_dir, database_name(session))
    write_anchor(path, Anchor(database_name(session), *chain.head, database_identity(session)), key, force=True)
    print(f"re-anchored {path} at record {chain.head[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
