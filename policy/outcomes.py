"""What the Decision agent adds to a recommendation (issue 9): the verdicts a route requires, the order
of principal reasons, the notice of incompleteness, the FCRA credit score disclosure, notice tasks.

Pure functions over the state and the application; the Decision agent cites the policy passages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from core.schemas import RANGES, LoanApplication
from policy.types import CreditScoreDisclosure, Finding

TO_COMPLETE = "to be completed before the notice is sent"
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def required_agents(state: Mapping[str, Any]) -> tuple[str, ...]:
    """The agents whose verdicts the route taken needs: Intake; then Ratio, Compliance and Policy unless
    Intake found the application incomplete; then Underwriting unless Compliance failed the loan."""
    required = ["intake"]
    intake = state.get("intake")
    if intake is None or intake.verdict != "REJECT_INCOMPLETE":
        required += ["ratio", "compliance", "policy"]
        compliance = state.get("compliance")
        if compliance is None or compliance.verdict != "FAIL":
            required.append("underwriting")
    return tuple(required)


def _first_number(text: str | None) -> Decimal | None:
    m = _NUMBER.search(text or "")
    if m is None:
        return None
    try:
        return Decimal(m.group().replace(",", ""))
    except InvalidOperation:
        return None


def shortfall(f: Finding) -> Decimal | None:
    """How far the file misses the rule, relative to the threshold (0.10 = 10% past it); None when the
    rule is not a number (an eligibility rule: no amount of the same thing fixes it)."""
    limit, actual = _first_number(f.threshold), _first_number(f.actual)
    if limit is None or actual is None or limit == 0:
        return None
    return abs(actual - limit) / abs(limit)


def importance(f: Finding, family_rank: int) -> tuple:
    """Sort key, most important first (fair lending policy 5.2: how far the file misses the requirement):
    yes/no eligibility breaks, then the largest relative miss, then the reason family order."""
    miss = shortfall(f)
    return (0, Decimal(0), family_rank) if miss is None else (1, -miss, family_rank)


def missing_items(intake_findings: tuple[Finding, ...]) -> list[str]:
    """The items a notice of incompleteness asks for: one line per failed completeness check."""
    return [f.message for f in intake_findings if f.status == "FAIL"]


def credit_disclosure(app: LoanApplication) -> tuple[CreditScoreDisclosure, list[str]]:
    """The FCRA credit score disclosure (score, range, date, source, key factors) and a task for each part
    the file does not carry. Date and source are read when the application has them (issue 9 part A)."""
    low, high = RANGES["credit_score"]
    date = getattr(app, "credit_report_date", None)
    source = getattr(app, "credit_score_source", None)
    factors = tuple(app.credit_key_factors)
    tasks = [
        f"Add the credit score {name} to the notice."
        for name, value in (("date", date), ("source (consumer reporting agency)", source))
        if not value
    ]
    if not factors:
        tasks.insert(
            0,
            "Obtain the key factors the credit bureau reported with the score and state them as "
            "principal reasons, each with the matching Regulation B wording.",
        )
    return CreditScoreDisclosure(
        score=app.credit_score,
        score_range=f"{low}-{high}",
        date=str(date) if date else TO_COMPLETE,
        source=str(source) if source else TO_COMPLETE,
        key_factors=factors or (TO_COMPLETE,),
    ), tasks
