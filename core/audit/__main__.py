"""CLI: check the audit log. `python -m core.audit` exits 0 when intact, 1 on any finding, 2 when
it cannot check (database unavailable, no audit key)."""

import logging
import sys

from core.audit.keys import audit_key
from core.audit.verify import audit_report
from core.db import session_scope
from core.errors import LoanGraphError
from core.settings import get_settings


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    settings = get_settings()
    try:
        key = audit_key(settings)
        with session_scope() as session:
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


if __name__ == "__main__":
    sys.exit(main())
