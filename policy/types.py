"""What the rule engine produces: findings about rules, each cited to the policy passage that states it.

Pydantic models (frozen) so LangGraph's checkpointer can store and restore them inside agent verdicts.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.citation import Citation

FindingStatus = Literal["PASS", "INFO", "CONDITION", "WARN", "REVIEW", "FAIL", "UNVERIFIED"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CitedQuote(Citation):
    """A verbatim quote from a retrieved chunk: where it lives (core.citation.Citation, whose label every
    view shows) plus the quote."""

    quote: str


class Finding(_Frozen):
    """One rule checked against the application: outcome, numbers and the passage that states the rule."""

    rule_id: str
    label: str
    status: FindingStatus
    message: str
    threshold: str | None = None
    actual: str | None = None
    citation: CitedQuote | None = None
    adverse_reason: str | None = None  # Reg B wording, for a FAIL
    remedy: str | None = None  # what would change the outcome


class CreditScoreDisclosure(_Frozen):
    """FCRA credit score disclosure on an adverse action notice (fair lending policy 5.5); stated in
    addition to the principal reasons, outside their cap. A part the file lacks reads "to be completed"."""

    score: int
    score_range: str
    date: str
    source: str
    key_factors: tuple[str, ...]
