"""`python -m policy.inventory --draft`: print an unclassified entry for each unmapped obligation sentence."""

from __future__ import annotations

import json

from policy.inventory import entries as inventory


def main(argv: list[str]) -> int:
    if argv[:1] != ["--draft"]:
        print(inventory.__doc__)
        return 2
    print(json.dumps(inventory.draft_entries(), indent=1, ensure_ascii=False))
    return 0
