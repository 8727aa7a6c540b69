"""Intake agent: is the application complete and consistent enough to underwrite?"""

from __future__ import annotations

from agents.context import AgentContext
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import AgentVerdict, Finding
from core.schemas import LoanApplication
from policy.credit_disclosure import credit_score_disclosure

INCOMPLETE = "Credit application incomplete"  # Reg B sample-notice wording


def _issue(rule_id: str, status: str, message: str) -> Finding:
    return Finding(
        rule_id=f"intake.{rule_id}",
        label=rule_id.replace("_", " "),
        status=status,
        message=message,
        adverse_reason=INCOMPLETE if status == "FAIL" else None,
    )


def check_application(app: LoanApplication) -> list[Finding]:
    """Completeness and consistency checks; pure."""
    issues = []
    if app.monthly_income == 0 and app.employment_status != "unemployed":
        issues.append(
            _issue(
                "income_missing",
                "FAIL",
                "Gross monthly income is not stated for an applicant "
                f"who is {app.employment_status.replace('_', '-')}: ratios cannot be computed.",
            )
        )
    if app.annual_property_tax == 0 and app.annual_insurance == 0:
        issues.append(
            _issue(
                "escrow_missing",
                "FAIL",
                "Property tax and homeowners insurance are both missing: "
                "the housing payment (PITI) cannot be computed.",
            )
        )
    elif app.annual_property_tax == 0 or app.annual_insurance == 0:  # PITI would be silently understated
        missing = "Annual property tax" if app.annual_property_tax == 0 else "Annual homeowners insurance"
        issues.append(
            _issue("escrow_missing", "FAIL", f"{missing} is missing: the housing payment (PITI) would be understated.")
        )
    if app.loan_amount > app.property_value:
        issues.append(_issue("loan_exceeds_value", "REVIEW", "The loan amount exceeds the property value."))
    if app.first_time_buyer and app.loan_purpose != "purchase":
        issues.append(
            _issue("first_time_refinance", "INFO", "First-time buyer is marked on a refinance; the flag is ignored.")
        )
    if app.liquid_assets == 0 and not app.assets:  # itemised assets are the assets reported
        issues.append(_issue("no_assets", "INFO", "No liquid assets are reported: reserves are zero."))
    if app.loan_type == "va" and not app.veteran:
        issues.append(_issue("va_not_veteran", "INFO", "VA loan requested by an applicant not marked as a veteran."))
    return issues


def intake_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    app = state["application"]
    issues = check_application(app)
    fails = [i for i in issues if i.status == "FAIL"]
    reviews = [i for i in issues if i.status == "REVIEW"]
    infos = len(issues) - len(fails) - len(reviews)
    score = max(1, 10 - 4 * len(fails) - 2 * len(reviews) - infos)
    verdict = "REJECT_INCOMPLETE" if fails else "REVIEW" if reviews else "PROCEED"
    summary = (
        f"Complete and consistent (score {score}/10)."
        if not issues
        else f"Score {score}/10: " + "; ".join(i.message for i in issues[:2])
    )
    return AgentOutput(
        AgentVerdict(
            agent="intake",
            verdict=verdict,
            summary=summary,
            score=score,
            findings=tuple(issues),
            reasoning=" ".join(f"{i.status}: {i.message}" for i in issues) or "Every field is present and consistent.",
            facts={
                "loan_type": app.loan_type,
                "loan_amount": str(app.loan_amount),
                "credit_score": app.credit_score,
                **credit_score_disclosure(app).as_facts(),
            },
        )
    )
