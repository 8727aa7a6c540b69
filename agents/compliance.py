"""Compliance agent: ability-to-repay / qualified-mortgage limits and fair-lending checks."""

from __future__ import annotations

from decimal import Decimal

from agents.context import AgentContext
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import AgentVerdict, Finding
from core.schemas import LoanApplication
from policy.checks.limits import apr_spread, computed_apr
from policy.figures import RatioFigures
from policy.findings import Evidences, finding, money, pct, unverified, worst

PROHIBITED = ("interest_only", "negative_amortization", "balloon")


def qm_product(app: LoanApplication, ev: Evidences) -> list[Finding]:
    if app.product in PROHIBITED:
        e = ev.get("atr_qm.prohibited_features")
        return [
            finding(
                e,
                "FAIL",
                f"A {app.product.replace('_', '-')} product is not a qualified mortgage.",
                remedy="Choose a fixed-rate or adjustable-rate fully amortizing product.",
            )
        ]
    e = ev.get("atr_qm.qm_only")
    return [finding(e, "PASS", f"A {app.product} fully amortizing product meets the QM product limits.")]


def qm_term(app: LoanApplication, ev: Evidences) -> list[Finding]:
    e = ev.get("atr_qm.max_term")
    if not e.found:
        return [unverified(e)]
    limit = e.value()
    if app.term_months <= limit:
        return [finding(e, "PASS", f"Term of {app.term_months} months is within {limit} months.")]
    return [
        finding(
            e,
            "FAIL",
            f"Term of {app.term_months} months exceeds the {limit}-month QM maximum.",
            threshold=f"{limit} months",
            actual=f"{app.term_months} months",
            remedy=f"Choose a term of {limit} months or less.",
        )
    ]


def points_and_fees(app: LoanApplication, ev: Evidences) -> list[Finding]:
    e = ev.get("atr_qm.points_and_fees")
    if not e.found:
        return [unverified(e)]
    limit_pct, floor = e.value(), e.value("min_loan_amount")
    if app.loan_amount < floor:
        return [finding(e, "REVIEW", f"Loan under {money(floor)}: the indexed points-and-fees tiers need a person.")]
    cap = (app.loan_amount * limit_pct / 100).quantize(Decimal("0.01"))
    if app.points_and_fees <= cap:
        return [
            finding(
                e, "PASS", f"Points and fees {money(app.points_and_fees)} are within {pct(limit_pct)} ({money(cap)})."
            )
        ]
    return [
        finding(
            e,
            "FAIL",
            f"Points and fees {money(app.points_and_fees)} exceed {pct(limit_pct)} of the loan ({money(cap)}).",
            threshold=money(cap),
            actual=money(app.points_and_fees),
            remedy=f"Reduce points and fees by ${app.points_and_fees - cap:,.2f}.",
        )
    ]


def atr_dti(r: RatioFigures, ev: Evidences) -> list[Finding]:
    e = ev.get("atr_qm.dti_review_above")
    if not e.found:
        return [unverified(e)]
    value, limit = r.back_end_dti, e.value()
    if value is not None and value <= limit:
        return [finding(e, "PASS", f"DTI {pct(value)} is at or under the {pct(limit)} review trigger.")]
    return [
        finding(
            e,
            "REVIEW",
            f"DTI {pct(value)} is above {pct(limit)}: the ability-to-repay policy requires human review.",
            threshold=pct(limit),
            actual=pct(value),
        )
    ]


def fair_lending(ev: Evidences) -> list[Finding]:
    e = ev.get("fair_lending.prohibited_bases")
    return [
        finding(
            e,
            "PASS",
            "The decision uses only credit, capacity and collateral facts; the application "
            "carries none of the prohibited bases.",
        )
    ]


def compliance_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    app = state["application"]
    ev = Evidences(ctx.evidence, state.get("policy_publication_id"))
    ratios = state["ratios"]
    findings = [
        *qm_product(app, ev),
        *qm_term(app, ev),
        *points_and_fees(app, ev),
        *apr_spread(app, ev, computed_apr(app, ratios)),
        *atr_dti(ratios, ev),
        *fair_lending(ev),
    ]
    status = worst(findings)
    verdict = "FAIL" if status == "FAIL" else "WARN" if status in ("REVIEW", "UNVERIFIED") else "PASS"
    flagged = [f.message for f in findings if f.status in ("FAIL", "REVIEW", "UNVERIFIED")]
    summary = "ATR/QM and fair lending: " + ("all checks pass." if not flagged else "; ".join(flagged[:3]))
    return AgentOutput(
        AgentVerdict(
            agent="compliance",
            verdict=verdict,
            summary=summary,
            findings=tuple(findings),
            reasoning=" ".join(f"{f.status}: {f.message}" for f in findings),
        ),
        ev.all(),
    )
