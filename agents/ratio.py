"""Ratio agent: PITI, front-end and back-end DTI, LTV/CLTV and reserves, at rates read from policy."""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import Decimal

from agents.context import AgentContext
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import AgentVerdict, Finding
from core.schemas import LoanApplication
from policy import money, reference
from policy.checks import money as money_checks
from policy.evidence import Evidence
from policy.figures import RatioFigures
from policy.findings import Evidences, finding, pct, unverified
from policy.findings import money as fmt
from policy.formulas import RatioResult, compute_ratios


def mi_rate(app: LoanApplication, loan_ltv: Decimal, ev: Evidences) -> tuple[Decimal, list[Finding]]:
    """The annual mortgage insurance (or guarantee fee) rate the program's policy text sets."""
    if app.loan_type == "conventional":
        required = ev.get("conventional.mi_required_above_ltv")
        if not required.found:
            return Decimal(0), [unverified(required)]
        if loan_ltv <= required.value():
            return Decimal(0), [finding(required, "INFO", f"No mortgage insurance at {pct(loan_ltv)} LTV.")]
        return _annual(ev.get("underwriting_standards.pmi_rate"), "Private mortgage insurance estimated at {}")
    if app.loan_type == "fha":
        mip = ev.get("fha.annual_mip")
        if not mip.found:
            return Decimal(0), [unverified(mip)]
        above = loan_ltv > mip.value("ltv_split")
        rate = mip.value("rate_above_split" if above else "rate_at_or_below_split")
        return rate, [
            finding(mip, "INFO", f"Annual MIP {pct(rate)} at {pct(loan_ltv)} LTV."),
            *_fha_schedule_case(app, rate, ev.get("fha.annual_mip_schedule")),
        ]
    if app.loan_type == "usda":
        return _annual(ev.get("usda.guarantee_fees"), "USDA annual fee {}")
    return Decimal(0), []


def _fha_schedule_case(app: LoanApplication, rate: Decimal, sched: Evidence) -> list[Finding]:
    """FHA 8.2: outside the standard product (a short term, or a base loan above the stated amount) the rate
    comes from HUD's current premium schedule, which is not shipped: a person applies it (REVIEW)."""
    if not sched.found:
        return [unverified(sched)]
    years, amount = sched.value("term_years"), sched.value("loan_amount")
    outside = [f"a {app.term_months}-month term ({years} years or less)"] if app.term_months <= years * 12 else []
    if app.loan_amount > amount:
        outside.append(f"a base loan amount of {fmt(app.loan_amount)} (above {fmt(amount)})")
    if not outside:
        return []
    return [
        finding(
            sched,
            "REVIEW",
            f"The annual MIP for {' and '.join(outside)} comes from HUD's current premium "
            f"schedule, which LoanGraph does not ship: a person applies that rate and recomputes the ratios "
            f"(shown at the standard {pct(rate)} only as an estimate).",
        )
    ]


def _annual(ev: Evidence, message: str) -> tuple[Decimal, list[Finding]]:
    if not ev.found:
        return Decimal(0), [unverified(ev)]
    return ev.value(), [finding(ev, "INFO", message.format(pct(ev.value())) + " a year, in the payment.")]


def qualifying_rate(app: LoanApplication, ev: Evidences) -> tuple[Decimal | None, list[Finding]]:
    if app.product != "arm":
        return None, []
    add = ev.get("underwriting_standards.arm_qualifying_rate")
    if not add.found:
        return None, [unverified(add)]
    rate = app.interest_rate + add.value()
    return rate, [finding(add, "INFO", f"ARM qualified at {pct(rate)} (note rate plus {add.value()} points).")]


# the RatioResult figures the Ratio agent reports (the note rate is the application's own)
RATIO_NAMES = tuple(f.name for f in fields(RatioResult) if f.name in RatioFigures.model_fields)


def figures(r: RatioResult, f: money.Funds, fee: Decimal, note: Decimal, residual: Decimal | None) -> RatioFigures:
    """The ratios, funds to close, reserves after closing and VA residual income, as typed Decimals."""
    return RatioFigures(
        **{name: getattr(r, name) for name in RATIO_NAMES},
        down_payment=f.down_payment,
        closing_costs=f.closing_costs,
        prepaid_items=f.prepaid_items,
        upfront_fee=fee,
        upfront_fee_cash=f.upfront_fee_cash,
        note_amount=note,
        debt_payoffs=f.debt_payoffs,
        closing_credits=f.credits,
        funds_to_close=f.funds_to_close,
        own_funds=f.own_funds,
        gift_funds=f.gift_funds,
        funds_available=f.available,
        funds_shortfall=f.shortfall,
        reserves_after_closing=f.reserves_after_closing,
        residual_income=residual,
    )


def compute_all(app: LoanApplication, ev: Evidences, rules: dict) -> tuple[RatioFigures, list[Finding]]:
    """Ratios on the debts the policy counts and the note amount, then funds, reserves and residual income."""
    debts = money_checks.debts(app, ev)
    fee = money_checks.upfront_fee(app, ev)
    counted = app.model_copy(update={"monthly_debts": debts.counted})
    base = compute_ratios(counted, mi_annual_rate_pct=Decimal(0))
    rate_q, q_findings = qualifying_rate(app, ev)
    rate_mi, mi_findings = mi_rate(app, base.ltv, ev)
    note = app.loan_amount + (fee if app.upfront_fee_financed else Decimal(0))
    on_note = counted.model_copy(update={"loan_amount": note})
    r = compute_ratios(on_note, mi_annual_rate_pct=rate_mi, qualifying_rate_pct=rate_q)
    gifts_ok, _ = money_checks.gifts(app, ev, rules)
    f, fund_findings = money_checks.funds(app, ev, piti=r.piti, fee=fee, payoffs=debts.payoffs, gifts_ok=gifts_ok)
    r = replace(r, ltv=base.ltv, cltv=base.cltv, reserves_months=f.reserves_months)
    residual = None
    if app.loan_type == "va":
        residual = money.residual_income(
            app, piti=r.piti, debts=debts.counted, maintenance_per_sqft=reference.va_maintenance_per_sqft().value
        )
    fee_info = money_checks.va_fee_finding(app, ev, fee)
    found = q_findings + mi_findings + list(debts.findings) + fund_findings + fee_info
    return figures(r, f, fee, note, residual), found


def ratio_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    app = state["application"]
    ev = Evidences(ctx.evidence, state.get("policy_publication_id"))
    r, found = compute_all(app, ev, ev.rules)
    findings = tuple(found)
    summary = (
        f"PITI ${r.piti:,.2f}; housing ratio {pct(r.front_end_dti)}, DTI {pct(r.back_end_dti)}, "
        f"LTV {pct(r.ltv)}, funds to close ${r.funds_to_close:,.2f}, "
        f"reserves after closing {r.reserves_months} months."
    )
    reasoning = (
        f"P&I ${r.principal_interest:,.2f} at {pct(r.qualifying_rate_pct)} over {app.term_months} months, "
        f"tax ${r.property_tax:,.2f}, insurance ${r.insurance:,.2f}, HOA ${r.hoa:,.2f}, "
        f"mortgage insurance ${r.mortgage_insurance:,.2f}; other debts ${r.monthly_debts:,.2f} "
        f"against income ${r.monthly_income:,.2f}."
    )
    verdict = AgentVerdict(
        agent="ratio", verdict="COMPUTED", summary=summary, reasoning=reasoning, facts=r.as_facts(), findings=findings
    )
    return AgentOutput(verdict, ev.all(), extra={"ratios": r})
