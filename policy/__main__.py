"""`python -m policy COMMAND ...`: draft, check, publish and impact a rulebook.

    python -m policy check [RULEBOOK] [--json]
    python -m policy publish RULEBOOK --approver NAME [--accept-gaps REASON] [--name NAME]
    python -m policy draft PDF_OR_DIR... [--out FILE] [--json]
    python -m policy impact [RULEBOOK] [--from FILE | --last N] [--json]
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {"check": "policy.cli", "publish": "policy.cli", "draft": "policy.draft", "impact": "policy.impact_cli"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[argv[0]])
    return int(getattr(module, "main")(argv))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
