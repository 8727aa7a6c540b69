"""`python -m policy COMMAND ...`: draft, check, publish and impact a rulebook.

    python -m policy draft PDF_OR_DIR... [--out FILE] [--json]
    python -m policy check [RULEBOOK] [--json]
    python -m policy publish RULEBOOK --approver NAME [--accept-gaps REASON [--accept ID ...]] [--name NAME]
    python -m policy impact [RULEBOOK] [--from FILE | --last N] [--json]

Each command is a function taking its own arguments and returning the exit code.
"""

from __future__ import annotations

import importlib
import logging
import sys

# command -> "module:function", imported only when asked for (drafting needs no database).
# "impact" runs the pipeline, so it lives in agents/: the layering is core <- rag <- policy <- agents <- dashboard
# and policy/ never imports agents/ (this string is resolved only when the command is asked for).
COMMANDS = {
    "draft": "policy.draft_cli:main",
    "check": "policy.cli:check",
    "publish": "policy.cli:publish",
    "impact": "agents.impact_cli:main",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        sys.stderr.write(__doc__.strip() + "\n")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    module, function = COMMANDS[argv[0]].split(":")
    return int(getattr(importlib.import_module(module), function)(argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
