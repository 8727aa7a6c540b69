"""The FCRA credit score disclosure (FCRA 609(g)/615(h); fair lending policy 5.5): score, range, date,
source and key factors, built from the application so the decision code and the notice can state it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.schemas import RANGES, LoanApplication

SOURCES = {
    "equifax": "Equifax",
    "experian": "Experian",
    "transunion": "TransUnion",
    "tri_merge": "Tri-merge report (Equifax, Experian, TransUnion)",
}


@dataclass(frozen=True)
class CreditScoreDisclosure:
    score: int
    range_low: int
    range_high: int
    date: date | None  # the date the score was created (the credit report date)
    source: str | None  # who provided it
    key_factors: tuple[str, ...]  # at most four, in the bureau's words

    @property
    def missing(self) -> tuple[str, ...]:
        """What the notice still needs before it can be sent."""
        gaps = [("date", self.date), ("source", self.source)]
        return tuple(name for name, value in gaps if value is None) + (("key factors",) if not self.key_factors else ())

    def as_facts(self) -> dict[str, Any]:
        return {
            "credit_score": self.score,
            "credit_score_range": f"{self.range_low}-{self.range_high}",
            "credit_report_date": self.date.isoformat() if self.date else None,
            "credit_score_source": self.source,
            "credit_key_factors": list(self.key_factors),
        }


def credit_score_disclosure(app: LoanApplication) -> CreditScoreDisclosure:
    low, high = RANGES["credit_score"]
    source = SOURCES.get(app.credit_score_source) if app.credit_score_source else None
    return CreditScoreDisclosure(app.credit_score, low, high, app.credit_report_date, source, app.credit_key_factors)


def disclosure_from_facts(facts: dict[str, Any]) -> CreditScoreDisclosure | None:
    """The disclosure as an agent's facts carry it (None when they do not)."""
    if "credit_score_range" not in facts:
        return None
    low, high = (int(x) for x in str(facts["credit_score_range"]).split("-"))
    when = facts.get("credit_report_date")
    return CreditScoreDisclosure(
        int(facts["credit_score"]),
        low,
        high,
        date.fromisoformat(when) if when else None,
        facts.get("credit_score_source"),
        tuple(facts.get("credit_key_factors") or ()),
    )
