"""Limits that need the Form 1003 money fields: the General QM APR-APOR spread, the FHA county
loan limit and VA residual income. Each cites the policy sentence; the published figures come from
seed_data/reference (policy/reference.py) and the finding names their source.
"""

from __future__ import annotations

from decimal import Decimal

from policy import reference
from policy.findings import Evidences, finding, money as fmt, not_given, pct, unverified
from policy.types import Finding
from core.schemas import LoanApplication

SPECIAL_EXCEPTION_STATES = frozenset({"AK", "HI", "GU", "VI"})  # FHA limits above the ceiling there


def spread_margin(loan_amount: Decimal, values: dict[str, Decimal]) -> Decimal:
    """The General QM margin for a first-lien loan of this size (atr_qm 5.5)."""
    if loan_amount >= values["indexed"]:
        return values["margin_large"]
    return values["margin_mid"] if loan_amount >= values["mid_floor"] else values["margin_small"]


def apr_spread(app: LoanApplication, ev: Evidences) -> list[Finding]:
    """APR minus APOR below the General QM margin; at or above the safe-harbor point: second-level review."""
    e = ev.get("atr_qm.general_qm_spread")
    if not e.found:
        return [unverified(e)]
    if app.apr is None or app.apor is None:
        missing = " and ".join(n for n, v in (("APR", app.apr), ("APOR", app.apor)) if v is None)
        return [not_given(e, missing, f"The {missing} is not in the file: the mandatory spread test cannot be run.")]
    spread, margin = app.apr - app.apor, spread_margin(app.loan_amount, e.threshold.values)
    shown = dict(threshold=f"under {pct(margin)} points", actual=f"{pct(spread)} points")
    if spread >= margin:
        return [finding(e, "FAIL", f"APR {pct(app.apr)} exceeds APOR {pct(app.apor)} by {pct(spread)} points, not "
                        f"less than the {pct(margin)} General QM margin for a {fmt(app.loan_amount)} loan.",
                        remedy=f"Price the loan below an APR of {pct(app.apor + margin)}.", **shown)]
    out = [finding(e, "PASS", f"APR-APOR spread {pct(spread)} points is under the {pct(margin)} margin.", **shown)]
    hp = ev.get("atr_qm.higher_priced_review")
    if not hp.found:
        return out + [unverified(hp)]
    if spread >= hp.value():
        out.append(finding(hp, "REVIEW", f"Higher-priced QM: spread {pct(spread)} points is at or above "
                           f"{pct(hp.value())}; a credit officer's second-level review must confirm residual income.",
                           threshold=f"under {pct(hp.value())} points", actual=f"{pct(spread)} points"))
    return out


def fha_county_limit(app: LoanApplication, ev: Evidences) -> list[Finding]:
    """The base loan amount against the county's FHA limit (HUD table, seed_data/reference)."""
    e = ev.get("fha.county_loan_limit")
    if not e.found:
        return [unverified(e)]
    listed, floor = reference.fha_county_limit(app.county_fips, app.property_units)
    if app.loan_amount <= floor:
        return [finding(e, "PASS", f"Loan amount {fmt(app.loan_amount)} is within the {fmt(floor)} national FHA "
                        "floor, so within every county's limit.", actual=fmt(app.loan_amount))]
    if listed is None or app.property_state in SPECIAL_EXCEPTION_STATES:
        where = f"county {app.county_fips}" if app.county_fips else "a county not stated"
        what = f"FHA loan limit of county {app.county_fips}" if app.county_fips else "county of the property"
        return [not_given(e, what, f"Loan amount {fmt(app.loan_amount)} is above the {fmt(floor)} floor and the "
                          f"limit for {where} is not in the shipped HUD table: a person confirms it.")]
    if app.loan_amount <= listed.value:
        return [finding(e, "PASS", f"Loan amount {fmt(app.loan_amount)} is within the {fmt(listed.value)} limit of "
                        f"county {app.county_fips} ({listed.source}).", actual=fmt(app.loan_amount))]
    return [finding(e, "FAIL", f"Loan amount {fmt(app.loan_amount)} exceeds the {fmt(listed.value)} FHA limit of county "
                    f"{app.county_fips} ({listed.source}).", actual=fmt(app.loan_amount),
                    remedy=f"Reduce the loan by ${app.loan_amount - listed.value:,.0f} or apply under another program.")]


def va_residual(app: LoanApplication, residual: Decimal | None, ev: Evidences) -> list[Finding]:
    """Every VA file: residual income against VA's table; within the policy's margin of it, a person reviews."""
    e, near = ev.get("va.residual_income"), ev.get("va.residual_income_review")
    if not (e.found and near.found):
        return [unverified(e if not e.found else near)]
    region = reference.va_region(app.property_state)
    missing = [n for n, v in (("household size", app.household_size), ("monthly income taxes", app.monthly_income_taxes),
                              ("living area", app.living_area_sqft), ("VA region of the state", region)) if v is None]
    if missing:
        return [not_given(e, ", ".join(missing), f"VA residual income cannot be computed: the file lacks {', '.join(missing)}.")]
    minimum = reference.va_residual_minimum(app.loan_amount, app.household_size, region)
    if minimum is None:
        return [finding(e, "REVIEW", f"A household of {app.household_size} is beyond VA's table: a person sets the minimum.")]
    shown = dict(actual=fmt(residual))  # the minimum is VA's table figure, named in the message
    if residual < minimum.value:
        return [finding(e, "FAIL", f"Residual income {fmt(residual)} is below VA's {fmt(minimum.value)} minimum "
                        f"({minimum.note}; {minimum.source}).", remedy=f"Residual income must rise by "
                        f"${minimum.value - residual:,.2f} a month (more income or fewer debts).", **shown)]
    margin = (minimum.value * (100 + near.value()) / 100).quantize(Decimal("0.01"))
    if residual < margin:
        return [finding(near, "REVIEW", f"Residual income {fmt(residual)} is within {pct(near.value())} of VA's "
                        f"{fmt(minimum.value)} minimum ({minimum.note}): a person reviews it.", **shown)]
    return [finding(e, "PASS", f"Residual income {fmt(residual)} meets VA's {fmt(minimum.value)} minimum "
                    f"({minimum.note}).", **shown)]
