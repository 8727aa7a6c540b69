"""Program limits the distillation data cites, and the ratio outcome they give.

The figures mirror the policy corpus as agents/README.md states it (back-end DTI and LTV limits per
program). They only label training examples; the pipeline's decisions still read every threshold
from the policy text at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Limits:
    program: str
    max_dti: Decimal  # at or under: PASS
    review_dti: Decimal | None  # above max_dti and at or under this: REVIEW; above: FAIL
    max_ltv: Decimal
    above: str  # the outcome above max_dti when there is no review band (VA: REVIEW, jumbo: FAIL)


LIMITS = {
    "conventional": Limits("conventional", Decimal(45), Decimal(50), Decimal(95), "FAIL"),
    "fha": Limits("fha", Decimal(43), Decimal(50), Decimal("96.5"), "FAIL"),
    "va": Limits("va", Decimal(41), None, Decimal(100), "REVIEW"),
    "usda": Limits("usda", Decimal(41), Decimal(44), Decimal(100), "FAIL"),
    "jumbo": Limits("jumbo", Decimal(43), None, Decimal(80), "FAIL"),
}
# Annual mortgage insurance (or guarantee fee) % on the loan, as agents/README.md lists it.
MI_RATES = {"conventional": Decimal("0.50"), "fha": Decimal("0.55"), "usda": Decimal("0.35")}


def mi_rate(program: str, ltv: Decimal) -> Decimal:
    if program == "conventional":
        return MI_RATES["conventional"] if ltv > 80 else Decimal(0)
    if program == "fha":
        return MI_RATES["fha"] if ltv > 95 else Decimal("0.50")
    return MI_RATES.get(program, Decimal(0))


def outcome(limits: Limits, dti: Decimal, ltv: Decimal) -> str:
    """FAIL when LTV or DTI is beyond what the program allows, REVIEW inside the review band, else PASS."""
    if ltv > limits.max_ltv:
        return "FAIL"
    if dti <= limits.max_dti:
        return "PASS"
    if limits.review_dti is None:
        return limits.above
    return "REVIEW" if dti <= limits.review_dti else "FAIL"


def limit_lines(limits: Limits) -> list[str]:
    """The cited limits as prompt lines, e.g. "max DTI 43% (review to 50%)"."""
    review = (
        f" (review to {limits.review_dti}%)"
        if limits.review_dti is not None
        else (" (above: review)" if limits.above == "REVIEW" else "")
    )
    return [f"max DTI {limits.max_dti}%{review}", f"max LTV {limits.max_ltv}%"]
