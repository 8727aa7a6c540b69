"""`python -m policy SUBCOMMAND ...`: one function per subcommand, taking its argv and returning an exit code."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from policy import draft_cli

COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "draft": draft_cli.main,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        sys.stderr.write(f"usage: python -m policy {{{','.join(COMMANDS)}}} ...\n")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
