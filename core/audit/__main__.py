"""CLI: verify the audit log's hash chain. `python -m core.audit` exits 1 if the chain is broken."""

import sys

from core.audit import verify_chain
from core.db import session_scope


def main() -> int:
    with session_scope() as session:
        report = verify_chain(session)
    if report.ok:
        print(f"audit chain OK: {report.records} records")
        return 0
    print(f"audit chain BROKEN at record {report.first_bad_id}: {report.problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
