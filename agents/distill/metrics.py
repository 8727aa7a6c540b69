"""Per-narrative measures for the distillation evaluation; pure functions over text and the case.

- number faithful: every number the narrative states is one of the prompt's figures or limits;
- verdict agreement: it states the outcome family of the case's verdict (PASS approve, REVIEW refer,
  FAIL decline) and no other; for figures only (COMPUTED) it states no outcome at all;
- limit coverage: share of the limits that decide the outcome which the narrative quotes.
"""

from __future__ import annotations

from decimal import Decimal

from agents.narrative_guard import outcome_families
from core.llm.numbers import numbers_in, unsupported_numbers

FAMILY = {"PASS": "approve", "REVIEW": "refer", "FAIL": "decline"}


def number_faithful(text: str, prompt: str) -> bool:
    return bool(text.strip()) and not unsupported_numbers(text, prompt)


def verdict_agrees(text: str, verdict: str) -> bool:
    stated = outcome_families(text)
    if verdict not in FAMILY:
        return not stated
    return stated == [FAMILY[verdict]]  # outcome_families names each family once


def decisive_limits(case: dict) -> list[Decimal]:
    """The limit figures a narrative of this case should quote."""
    verdict, driver = case["verdict"], case["driver"]
    top = case["review_dti"] or case["max_dti"]
    chosen = {
        "PASS": [case["max_dti"], case["max_ltv"]],
        "REVIEW": [case["max_dti"]],
        "FAIL": [case["max_ltv"]] if driver == "ltv" else [top],
    }.get(verdict, [])
    return [Decimal(v) for v in chosen]


def limit_coverage(text: str, case: dict) -> float | None:
    """Share of decisive limits quoted; None when the case cites none (figures only)."""
    wanted = decisive_limits(case)
    if not wanted:
        return None
    said = {n.normalize() for n in numbers_in(text)}
    return sum(1 for w in wanted if w.normalize() in said) / len(wanted)
