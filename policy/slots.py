"""The engine's rule SLOTS: what a drafted rulebook must fill (id, program, kind, value names with their
units, conditions), read from our rulebook (`seed_data/rulebook.json`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT

RULEBOOK_PATH = PROJECT_ROOT / "seed_data" / "rulebook.json"


@dataclass(frozen=True)
class Slot:
    """One rule the engine looks up by `id`; `values` maps each value name to its unit."""

    id: str
    program: str
    kind: str
    label: str
    values: dict[str, str] = field(hash=False)
    conditions: dict[str, tuple[Any, ...]] = field(hash=False)
    reason_family: str = "none"
    adverse_reason: str | None = None
    query: str = ""
    sentence: str = ""  # our corpus's wording of the rule (its cited sentence), for comparing phrasings


def load_slots(path: Path | None = None) -> tuple[Slot, ...]:
    """The slots of our rulebook (or of the rulebook at `path`)."""
    path = path or RULEBOOK_PATH
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(_slot(item) for item in data["rules"])


def _slot(item: dict[str, Any]) -> Slot:
    values = {name: v["unit"] for name, v in item.get("values", {}).items()}
    conditions = item.get("conditions") or {}
    sentence = (item.get("citation") or {}).get("sentence", "")
    return Slot(
        id=item["id"],
        program=item["program"],
        kind=item["kind"],
        label=item.get("label", item["id"]),
        values=values,
        conditions={k: tuple(v) for k, v in conditions.items()},
        reason_family=item.get("reason_family", "none"),
        adverse_reason=item.get("adverse_reason"),
        query=item.get("query", ""),
        sentence=sentence,
    )
