"""Underwriting agent: strengths, risks, compensating factors, conditions and a risk grade."""

from __future__ import annotations

from decimal import Decimal

from agents.context import AgentContext
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import AgentVerdict
from core.schemas import LoanApplication
from policy.figures import RatioFigures

# Grading bands: an internal credit-risk view for the officer, not a policy limit (no decision
# depends on them; the Policy and Compliance agents apply the cited limits).
STRONG_SCORE, WEAK_SCORE = 740, 660
STRONG_RESERVES, WEAK_RESERVES = Decimal(12), Decimal(2)
LOW_DTI, HIGH_DTI = Decimal(36), Decimal(43)
LOW_LTV, HIGH_LTV = Decimal(80), Decimal(90)
GRADES = "ABCDE"


def assess(app: LoanApplication, r: RatioFigures) -> tuple[list[str], list[str]]:
    """(strengths, risks) from the computed figures."""
    strengths, risks = [], []
    dti = r.back_end_dti
    pairs = [
        (app.credit_score >= STRONG_SCORE, app.credit_score < WEAK_SCORE, f"credit score {app.credit_score}"),
        (
            r.reserves_months >= STRONG_RESERVES,
            r.reserves_months < WEAK_RESERVES,
            f"{r.reserves_months} months of reserves",
        ),
        (dti is not None and dti <= LOW_DTI, dti is None or dti > HIGH_DTI, f"DTI {dti}%"),
        (r.ltv <= LOW_LTV, r.ltv > HIGH_LTV, f"LTV {r.ltv}%"),
        (
            app.employment_years >= 5,
            app.employment_status in ("employed", "self_employed") and app.employment_years < 2,
            f"{app.employment_years} years of employment",
        ),
    ]
    for strong, weak, label in pairs:
        if strong:
            strengths.append(label)
        elif weak:
            risks.append(label)
    return strengths, risks


def grade(strengths: list[str], risks: list[str]) -> str:
    return GRADES[max(0, min(len(GRADES) - 1, 2 + len(risks) - len(strengths)))]


def underwriting_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    app = state["application"]
    r = state["ratios"]
    strengths, risks = assess(app, r)
    risk_grade = grade(strengths, risks)
    conditions = tuple(c for agent in ("policy", "compliance") if agent in state for c in state[agent].conditions)
    summary = f"Risk grade {risk_grade}: {len(strengths)} strengths, {len(risks)} risks."
    reasoning = f"Strengths: {', '.join(strengths) or 'none'}. Risks: {', '.join(risks) or 'none'}. " + (
        f"Compensating factors: {', '.join(strengths)}." if risks and strengths else ""
    )
    return AgentOutput(
        AgentVerdict(
            agent="underwriting",
            verdict=risk_grade,
            summary=summary,
            reasoning=reasoning,
            facts={"strengths": strengths, "risks": risks, "risk_grade": risk_grade},
            conditions=conditions,
        )
    )
