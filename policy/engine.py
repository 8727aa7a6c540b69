"""The program rules of one application: credit, LTV, DTI, loan amount, reserves, eligibility, money.

`evaluate` runs every rule of the rulebook that speaks to the application, in the order an underwriter
reads them, and returns the findings; the Policy agent adds the requirement inventory and the verdict.
"""

from __future__ import annotations

from core.schemas import LoanApplication
from policy.checks import eligibility as eligibility_checks
from policy.checks import limits as money_limits
from policy.checks import money as money_checks
from policy.checks import program as checks
from policy.evidence import Evidence
from policy.figures import RatioFigures
from policy.findings import Evidences, finding, money, not_given, pct, unverified
from policy.rules import rule_applies
from policy.types import Finding


def eligibility(app: LoanApplication, e: Evidence) -> list[Finding]:
    """Yes/no program rules: occupancy, Certificate of Eligibility, rural purchase, employment."""
    if not e.found:
        return [unverified(e)]
    kind = e.rule.kind
    if kind == "primary_residence_only":
        ok = app.occupancy == "primary"
        return [finding(e, "PASS" if ok else "FAIL", f"Occupancy: {app.occupancy.replace('_', ' ')}.")]
    if kind == "ineligible_occupancy":
        return [finding(e, "FAIL", f"A {app.occupancy.replace('_', ' ')} property is not eligible for this program.")]
    if kind == "coe_required":
        return [
            finding(
                e,
                "PASS" if app.has_va_coe else "FAIL",
                "Certificate of Eligibility on file." if app.has_va_coe else "No VA Certificate of Eligibility.",
            )
        ]
    if kind == "rural_purchase_only":
        return [_rural(app, e)]
    if kind == "max_income_pct_ami":
        return [_income_limit(app, e)]
    return _employment(app, e)


def _rural(app: LoanApplication, e: Evidence) -> Finding:
    if app.loan_purpose != "purchase" or app.occupancy != "primary":
        return finding(e, "FAIL", "USDA finances only the purchase of a primary residence.")
    if app.usda_eligible_area is None:
        return not_given(
            e, "rural-area eligibility of the property", "The property's rural-area eligibility has not been confirmed."
        )
    ok = app.usda_eligible_area
    return finding(
        e,
        "PASS" if ok else "FAIL",
        "Property is in an eligible rural area." if ok else "Property is not in an eligible rural area.",
    )


def _income_limit(app: LoanApplication, e: Evidence) -> Finding:
    limit, actual = e.value(), app.household_income_pct_ami
    if actual is None:
        return not_given(
            e,
            "household income as a share of area median income",
            "Household income as a share of area median income is not in the file.",
        )
    status = "PASS" if actual <= limit else "FAIL"
    return finding(
        e,
        status,
        f"Household income is {pct(actual)} of area median (limit {pct(limit)}).",
        threshold=pct(limit),
        actual=pct(actual),
    )


def _employment(app: LoanApplication, e: Evidence) -> list[Finding]:
    if e.rule.kind == "employment_ineligible":
        if app.monthly_income == 0:
            return [finding(e, "FAIL", "Unemployed with no other documented income.")]
        return [finding(e, "REVIEW", "Unemployed: the other income must be documented by a person.")]
    years, need = app.employment_years, e.value()
    if years >= need:
        return [finding(e, "PASS", f"{years} years of employment history (minimum {need}).")]
    return [
        finding(
            e,
            "REVIEW",
            f"{years} years of employment history, under the {need}-year minimum.",
            threshold=f"{need} years",
            actual=f"{years} years",
        )
    ]


def conditions(app: LoanApplication, r: RatioFigures, ev: Evidences) -> list[Finding]:
    """Approval conditions the program attaches: mortgage insurance, premiums, fees."""
    rule_id = {
        "conventional": "conventional.mi_required_above_ltv",
        "fha": "fha.upfront_mip",
        "usda": "usda.guarantee_fees",
    }.get(app.loan_type)
    if rule_id and not ev.get(rule_id).found:
        return [unverified(ev.get(rule_id))]  # a condition whose passage is missing is never dropped
    if app.loan_type == "conventional":
        e = ev.get("conventional.mi_required_above_ltv")
        if e.found and r.ltv > e.value():
            return [
                finding(
                    e, "CONDITION", f"Private mortgage insurance required: LTV {pct(r.ltv)} exceeds {pct(e.value())}."
                )
            ]
    if app.loan_type == "fha":
        e = ev.get("fha.upfront_mip")
        if e.found:
            fee = app.loan_amount * e.value() / 100
            when = "financed into the note" if app.upfront_fee_financed else "due at closing"
            return [
                finding(
                    e,
                    "CONDITION",
                    f"Upfront MIP of {pct(e.value())} ({money(fee.quantize(1))}) {when}; "
                    f"annual MIP of {pct(r.mi_annual_rate_pct)} is in the payment.",
                )
            ]
    if app.loan_type == "usda":
        e = ev.get("usda.guarantee_fees")
        if e.found:
            fee = app.loan_amount * e.value("upfront") / 100
            when = "financed into the note" if app.upfront_fee_financed else "due at closing"
            return [
                finding(
                    e,
                    "CONDITION",
                    f"USDA upfront guarantee fee of {pct(e.value('upfront'))} "
                    f"({money(fee.quantize(1))}) {when}; annual fee {pct(e.value())} is in the payment.",
                )
            ]
    return []


ELIGIBILITY_KINDS = {
    "primary_residence_only",
    "ineligible_occupancy",
    "coe_required",
    "rural_purchase_only",
    "max_income_pct_ami",
    "min_employment_years",
    "employment_ineligible",
}


def evaluate(app: LoanApplication, r: RatioFigures, ev: Evidences, rules: dict) -> list[Finding]:
    """Every program rule that speaks to this application, in the order an underwriter reads them."""
    applicable = [rule for rule in rules.values() if rule_applies(rule, app)]
    by_kind = lambda *kinds: [rule.id for rule in applicable if rule.kind in kinds]  # noqa: E731
    findings = checks.credit(app, ev)
    findings += checks.ltv(app, r, ev, by_kind("max_ltv", "max_ltv_by_credit_score"))
    findings += checks.dti(app, r, ev, lambda rule_id: rule_id in rules)
    if by_kind("max_front_end"):
        findings += checks.front_end(app, r, ev)
    if app.loan_type in ("conventional", "jumbo"):
        findings += checks.loan_amount(app, ev)
    for rule_id in by_kind("min_reserves_months"):
        findings += checks.reserves(app, r, ev.get(rule_id))
    for rule_id in by_kind(*ELIGIBILITY_KINDS):
        findings += eligibility(app, ev.get(rule_id))
    findings += eligibility_checks.evaluate(app, r, ev, applicable)
    return findings + money_findings(app, r, ev, rules) + conditions(app, r, ev)


def money_findings(app: LoanApplication, r: RatioFigures, ev: Evidences, rules: dict) -> list[Finding]:
    """Gifts, funds to close, the FHA county limit and VA residual income (issue 9)."""
    funds = {name: getattr(r, name) for name in ("funds_to_close", "funds_available", "down_payment", "gift_funds")}
    out = money_checks.gifts(app, ev, rules)[1] + money_checks.shortfall(funds, ev)
    out += money_checks.contribution(app, funds, r.ltv, ev, rules) + money_checks.other_property_reserves(app, r, ev)
    if app.loan_type == "fha":
        out += money_limits.fha_county_limit(app, ev)
    if app.loan_type == "va":
        out += money_limits.va_residual(app, r.residual_income, ev)
    return out
