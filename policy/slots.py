"""The engine's rule SLOTS: what a drafted rulebook must fill (id, program, kind, value names with their
units, conditions), read from our rulebook (`seed_data/rulebook.json`) or, until it exists, from the rule
patterns of `seed_data/rules.json` (each value name is a named group of its pattern).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT

RULEBOOK_PATH = PROJECT_ROOT / "seed_data" / "rulebook.json"
RULES_PATH = PROJECT_ROOT / "seed_data" / "rules.json"
SCORE_KINDS = frozenset({"min_credit_score", "max_ltv_by_credit_score", "review_score_band"})
_PLACEHOLDER = re.compile(r"\{(pct|money|int|count):(\w+)\}(?:age points|\s*(?:calendar\s+)?(percent|months?|years?|days?))?")


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
    sentence: str = ""  # our corpus's wording of the rule (pattern text), for comparing phrasings


def load_slots(path: Path | None = None) -> tuple[Slot, ...]:
    """The slots of our rulebook if it exists, else of the rule patterns."""
    path = path or (RULEBOOK_PATH if RULEBOOK_PATH.exists() else RULES_PATH)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(_slot(item) for item in data["rules"])


def _slot(item: dict[str, Any]) -> Slot:
    if "pattern" in item:
        values = pattern_units(item["pattern"], item["kind"])
        conditions = item.get("applies_when") or {}
        sentence = _PLACEHOLDER.sub("N", item["pattern"]).replace("- ?", "-")
        sentence = re.sub(r"\\|\(\?:[^)]*\)[*+?]*\??|\?", "", sentence)
    else:
        values = {name: v["unit"] for name, v in item.get("values", {}).items()}
        conditions = item.get("conditions") or {}
        sentence = (item.get("citation") or {}).get("sentence", "")
    return Slot(id=item["id"], program=item["program"], kind=item["kind"], label=item.get("label", item["id"]),
                values=values, conditions={k: tuple(v) for k, v in conditions.items()},
                reason_family=item.get("reason_family", "none"), adverse_reason=item.get("adverse_reason"),
                query=item.get("query", ""), sentence=sentence)


def pattern_units(pattern: str, kind: str) -> dict[str, str]:
    """Each named group of a rule pattern with the unit its placeholder and the word after it give."""
    out: dict[str, str] = {}
    for m in _PLACEHOLDER.finditer(pattern):
        placeholder, name, after = m.group(1), m.group(2), (m.group(3) or "").lower()
        if placeholder == "pct" or after == "percent" or m.group(0).endswith("age points"):
            unit = "percent"
        elif placeholder == "money":
            unit = "usd"
        elif after:
            unit = after if after.endswith("s") else after + "s"
        elif name == "year":
            unit = "count"
        elif placeholder == "int" and (kind in SCORE_KINDS or "score" in name):
            unit = "score"
        else:
            unit = "count"
        out[name] = unit
    return out
