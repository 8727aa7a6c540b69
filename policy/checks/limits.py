"""Limits that need the Form 1003 money fields: the General QM APR-APOR spread, the FHA county
loan limit and VA residual income. Each cites the policy sentence; the published figures come from
seed_data/reference (policy/reference.py) and the finding names their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.schemas import LoanApplication
from policy import reference
from policy.evidence import Evidence
from policy.findings import Evidences, finding, not_given, pct, unverified
from policy.findings import money as fmt
from policy.formulas import apr_actuarial
from policy.types import Finding

SPECIAL_EXCEPTION_STATES = frozenset({"AK", "HI", "GU", "VI"})  # FHA limits above the ceiling there
MILLI = Decimal("0.001")  # APRs and spreads shown and compared to a thousandth of a point, like the rates stated


def spread_margin(loan_amount: Decimal, values: dict[str, Decimal]) -> Decimal:
    """The General QM margin for a first-lien loan of this size (atr_qm 5.5)."""
    if loan_amount >= values["indexed"]:
        return values["margin_large"]
    return values["margin_mid"] if loan_amount >= values["mid_floor"] else values["margin_small"]


def apr_spread(app: LoanApplication, ev: Evidences, computed: ComputedApr | None = None) -> list[Finding]:
    """APR minus APOR below the General QM margin; at or above the safe-harbor point: second-level review.
    Without a stated APR, `computed` (from the note terms and prepaid finance charges) stands in for it."""
    e = ev.get("atr_qm.general_qm_spread")
    if not e.found:
        return [unverified(e)]
    low, high = (app.apr, app.apr) if app.apr is not None or computed is None else (computed.low, computed.high)
    note = [finding(e, "INFO", computed.describe())] if computed is not None and app.apr is None else []
    if low is None or app.apor is None:
        missing = " and ".join(n for n, v in (("APR", low), ("APOR", app.apor)) if v is None)
        return note + [
            not_given(e, missing, f"The {missing} is not in the file: the mandatory spread test cannot be run.")
        ]
    return note + _spread(app, ev, e, low, high)


def _p(value: Decimal) -> str:
    """A rate or spread shown to a thousandth of a point at most (a computed APR carries six decimals)."""
    return pct(value.quantize(MILLI) if -value.as_tuple().exponent > 3 else value)


def _spread(app: LoanApplication, ev: Evidences, e: Evidence, low: Decimal, high: Decimal) -> list[Finding]:
    """The spread test on an APR known to lie in [low, high] (one value when stated or computed without MI)."""
    margin = spread_margin(app.loan_amount, e.threshold.values)
    spread, worst = low - app.apor, high - app.apor
    shown = dict(threshold=f"under {pct(margin)} points", actual=f"{_p(worst)} points")
    apr = _p(low)
    if spread >= margin:
        return [
            finding(
                e,
                "FAIL",
                f"APR {apr} exceeds APOR {pct(app.apor)} by {_p(spread)} points, not "
                f"less than the {pct(margin)} General QM margin for a {fmt(app.loan_amount)} loan.",
                remedy=f"Price the loan below an APR of {pct(app.apor + margin)}.",
                **shown,
            )
        ]
    if worst >= margin:
        return [
            finding(
                e,
                "REVIEW",
                f"The computed APR lies between {apr} and {_p(high)}: a spread "
                f"of {_p(spread)} to {_p(worst)} points straddles the {pct(margin)} margin, so a person "
                "computes the APR with the mortgage insurance schedule.",
                **shown,
            )
        ]
    out = [finding(e, "PASS", f"APR-APOR spread {_p(worst)} points is under the {pct(margin)} margin.", **shown)]
    hp = ev.get("atr_qm.higher_priced_review")
    if not hp.found:
        return out + [unverified(hp)]
    spread = worst  # the higher end: an APR that may reach the review point is reviewed
    if spread >= hp.value():
        out.append(
            finding(
                hp,
                "REVIEW",
                f"Higher-priced QM: spread {_p(spread)} points is at or above "
                f"{pct(hp.value())}; a credit officer's second-level review must confirm residual income.",
                threshold=f"under {pct(hp.value())} points",
                actual=f"{_p(spread)} points",
            )
        )
    return out


@dataclass(frozen=True)
class ComputedApr:
    """The APR computed by Regulation Z Appendix J when the file states none: `low` leaves mortgage insurance
    out, `high` counts its first-year monthly amount for the whole term; the premium only declines or ends, so
    the APR lies between them (one value on a loan without mortgage insurance)."""

    low: Decimal
    high: Decimal
    note_amount: Decimal
    rate: Decimal
    months: int
    payment: Decimal
    insurance: Decimal
    charges: Decimal

    def describe(self) -> str:
        base = (
            f"APR computed from the note terms and prepaid finance charges (Regulation Z Appendix J, actuarial "
            f"method, regular first period): {fmt(self.note_amount)} at {pct(self.rate)} over {self.months} "
            f"monthly payments of {fmt(self.payment)}, less {fmt(self.charges)} of prepaid finance charges "
            f"(amount financed {fmt(self.note_amount - self.charges)})"
        )
        if self.insurance == 0:
            return f"{base}: {_p(self.low)}."
        return (
            f"{base}: {_p(self.low)} without mortgage insurance, {_p(self.high)} "
            f"with its {fmt(self.insurance)} monthly premium for the whole term; the APR lies between the two."
        )


def computed_apr(app: LoanApplication, r) -> ComputedApr | None:
    """The APR of a fixed-rate file that states no APR but its prepaid finance charges, from the Ratio agent's
    note amount, payment (at the note rate) and monthly mortgage insurance; None otherwise (an adjustable
    rate's APR needs its index and margin, which the file does not carry)."""
    if app.apr is not None or app.prepaid_finance_charges is None or app.product != "fixed":
        return None
    note, payment, insurance = r.note_amount, r.principal_interest, r.mortgage_insurance
    financed = note - app.prepaid_finance_charges
    if financed <= 0 or payment * app.term_months <= financed:
        return None
    low = apr_actuarial(financed, [payment] * app.term_months)
    high = apr_actuarial(financed, [payment + insurance] * app.term_months) if insurance > 0 else low
    return ComputedApr(
        low, high, note, app.interest_rate, app.term_months, payment, insurance, app.prepaid_finance_charges
    )


def fha_county_limit(app: LoanApplication, ev: Evidences) -> list[Finding]:
    """The base loan amount against the county's FHA limit (HUD table, seed_data/reference)."""
    e = ev.get("fha.county_loan_limit")
    if not e.found:
        return [unverified(e)]
    listed, floor = reference.fha_county_limit(app.county_fips, app.property_units)
    if app.loan_amount <= floor:
        return [
            finding(
                e,
                "PASS",
                f"Loan amount {fmt(app.loan_amount)} is within the {fmt(floor)} national FHA "
                "floor, so within every county's limit.",
                actual=fmt(app.loan_amount),
            )
        ]
    if listed is None or app.property_state in SPECIAL_EXCEPTION_STATES:
        where = f"county {app.county_fips}" if app.county_fips else "a county not stated"
        what = f"FHA loan limit of county {app.county_fips}" if app.county_fips else "county of the property"
        return [
            not_given(
                e,
                what,
                f"Loan amount {fmt(app.loan_amount)} is above the {fmt(floor)} floor and the "
                f"limit for {where} is not in the shipped HUD table: a person confirms it.",
            )
        ]
    if app.loan_amount <= listed.value:
        return [
            finding(
                e,
                "PASS",
                f"Loan amount {fmt(app.loan_amount)} is within the {fmt(listed.value)} limit of "
                f"county {app.county_fips} ({listed.source}).",
                actual=fmt(app.loan_amount),
            )
        ]
    return [
        finding(
            e,
            "FAIL",
            f"Loan amount {fmt(app.loan_amount)} exceeds the {fmt(listed.value)} FHA limit of county "
            f"{app.county_fips} ({listed.source}).",
            actual=fmt(app.loan_amount),
            remedy=f"Reduce the loan by ${app.loan_amount - listed.value:,.0f} or apply under another program.",
        )
    ]


def va_residual(app: LoanApplication, residual: Decimal | None, ev: Evidences) -> list[Finding]:
    """Every VA file: residual income against VA's table; within the policy's margin of it, a person reviews."""
    e, near = ev.get("va.residual_income"), ev.get("va.residual_income_review")
    if not (e.found and near.found):
        return [unverified(e if not e.found else near)]
    region = reference.va_region(app.property_state)
    missing = [
        n
        for n, v in (
            ("household size", app.household_size),
            ("monthly income taxes", app.monthly_income_taxes),
            ("living area", app.living_area_sqft),
            ("VA region of the state", region),
        )
        if v is None
    ]
    if missing:
        return [
            not_given(
                e, ", ".join(missing), f"VA residual income cannot be computed: the file lacks {', '.join(missing)}."
            )
        ]
    minimum = reference.va_residual_minimum(app.loan_amount, app.household_size, region)
    if minimum is None:
        return [
            finding(
                e, "REVIEW", f"A household of {app.household_size} is beyond VA's table: a person sets the minimum."
            )
        ]
    shown = dict(actual=fmt(residual))  # the minimum is VA's table figure, named in the message
    if residual < minimum.value:
        return [
            finding(
                e,
                "FAIL",
                f"Residual income {fmt(residual)} is below VA's {fmt(minimum.value)} minimum "
                f"({minimum.note}; {minimum.source}).",
                remedy=f"Residual income must rise by "
                f"${minimum.value - residual:,.2f} a month (more income or fewer debts).",
                **shown,
            )
        ]
    margin = (minimum.value * (100 + near.value()) / 100).quantize(Decimal("0.01"))
    if residual < margin:
        return [
            finding(
                near,
                "REVIEW",
                f"Residual income {fmt(residual)} is within {pct(near.value())} of VA's "
                f"{fmt(minimum.value)} minimum ({minimum.note}): a person reviews it.",
                **shown,
            )
        ]
    return [
        finding(
            e,
            "PASS",
            f"Residual income {fmt(residual)} meets VA's {fmt(minimum.value)} minimum ({minimum.note}).",
            **shown,
        )
    ]
