"""The worked figures of a sample, computed from the policy text by a second, independent hand.

Nothing here imports agents/: every rate and rule is written down from the policy sentence cited
beside it, so a sample's `expected.figures` checks the engine against the policy, not against itself.
It is checked in turn against the policy's own worked example (Underwriting Standards 3.6).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

C = Decimal("0.01")
# Underwriting Standards 2.2: an ARM is qualified at the note rate plus 2 percentage points
ARM_ADD = Decimal(2)
# 2.4: conventional PMI estimated at 0.50% a year; conventional 9.1: MI above 80% LTV
PMI, MI_ABOVE_LTV = Decimal("0.50"), Decimal(80)
# FHA 8.2: 0.55% when the LTV exceeds 95%, 0.50% at 95% or less; upfront 1.75% (8.1)
FHA_MIP_HIGH, FHA_MIP_LOW, FHA_SPLIT, FHA_UPFRONT = Decimal("0.55"), Decimal("0.50"), Decimal(95), Decimal("1.75")
# USDA 8.1: upfront 1.00%, annual 0.35%
USDA_UPFRONT, USDA_ANNUAL = Decimal("1.00"), Decimal("0.35")
# Underwriting Standards 5.1: installment debts count with more than ten payments left; revolving
# with no payment at 5% of the balance; 5.5: stocks at 70%, vested retirement at 60%
INSTALLMENT_MONTHS, REVOLVING_PCT, STOCKS_PCT, RETIREMENT_PCT = 10, Decimal(5), Decimal(70), Decimal(60)
# deferred student loans, by the agencies' published methods (seed_data/reference/deferred_student_loans.json)
STUDENT = {
    "conventional": (Decimal(1), 1),
    "fha": (Decimal("0.5"), 1),
    "va": (Decimal(5), 12),
    "usda": (Decimal("0.5"), 1),
}
VA_UPKEEP_PER_SQFT = Decimal("0.14")  # VA M26-7 ch. 4
# VA 11: funding fee, first use 2.15% under 5% down, 1.50% with 5% to under 10%, 1.25% with 10% or
# more; subsequent use under 5% down 3.30%; none when the certificate shows an exemption
VA_FEE = ((Decimal(5), Decimal("2.15"), Decimal("3.30")), (Decimal(10), Decimal("1.50"), Decimal("1.50")))
VA_FEE_HIGH = Decimal("1.25")


def va_fee_pct(a: dict[str, Any]) -> Decimal:
    if a.get("va_funding_fee_exempt"):
        return Decimal(0)
    loan, value = _d(a["loan_amount"]), _d(a["property_value"])
    down = (value - loan) * 100 / value if a["loan_purpose"] == "purchase" else Decimal(0)
    for below, first, subsequent in VA_FEE:
        if down < below:
            return subsequent if a.get("va_subsequent_use") else first
    return VA_FEE_HIGH


def _d(v: Any) -> Decimal:
    return Decimal(str(v))


def cents(v: Decimal) -> Decimal:
    return v.quantize(C, rounding=ROUND_HALF_UP)


def pct_up(num: Decimal, den: Decimal) -> Decimal:
    return (num * 100 / den).quantize(C, rounding=ROUND_CEILING)


def payment(loan: Decimal, rate: Decimal, n: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        r = rate / 100 / 12
        return cents(loan / n if r == 0 else loan * r / (1 - (1 + r) ** -n))


def counted_debts(a: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(monthly debts counted, balances paid off at closing)."""
    total, payoffs = _d(a.get("monthly_debts", 0)), Decimal(0)
    for item in a.get("liabilities", []):
        pay, bal, months = _d(item.get("monthly_payment", 0)), _d(item.get("balance", 0)), item.get("months_remaining")
        if item.get("paid_off_at_closing"):
            payoffs += bal
        elif item["kind"] == "student_loan" and item.get("deferred"):
            pct, div = STUDENT.get(a["loan_type"], (None, 1))
            total += pay if pct is None else max(cents(bal * pct / 100 / div), pay)
        elif item["kind"] == "revolving" and pay == 0 and bal > 0:
            total += cents(bal * REVOLVING_PCT / 100)
        elif (
            item["kind"] in ("installment", "auto_loan", "student_loan")
            and months is not None
            and months <= INSTALLMENT_MONTHS
        ):
            pass
        else:
            total += pay
    return total, payoffs


def _assets(a: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(own funds counted, gifts)."""
    own, gifts = _d(a["liquid_assets"]), Decimal(0)
    for item in a.get("assets", []):
        value, vested = _d(item["value"]), _d(item.get("vested_pct", 100)) / 100
        share = {
            "checking_savings": Decimal(1),
            "stocks": vested * STOCKS_PCT / 100,
            "retirement": vested * RETIREMENT_PCT / 100,
        }.get(item["kind"])
        if item["kind"] == "gift":
            gifts += value
        elif share is not None:
            own += cents(value * share)
    return own, gifts


def figures(a: dict[str, Any], *, gifts_count: bool = True) -> dict[str, str]:
    """The worked figures of one application (JSON numbers as given), as exact text."""
    loan, value, program = _d(a["loan_amount"]), _d(a["property_value"]), a["loan_type"]
    ltv = pct_up(loan, value)
    upfront = {"fha": FHA_UPFRONT, "usda": USDA_UPFRONT}.get(program, Decimal(0)) if program != "va" else va_fee_pct(a)
    fee = (loan * upfront / 100).quantize(C)
    note = loan + (fee if a.get("upfront_fee_financed") else 0)
    rate = _d(a["interest_rate"]) + (ARM_ADD if a["product"] == "arm" else 0)
    pi = payment(note, rate, a["term_months"])
    mi_rate = {
        "conventional": PMI if ltv > MI_ABOVE_LTV else Decimal(0),
        "fha": FHA_MIP_HIGH if ltv > FHA_SPLIT else FHA_MIP_LOW,
        "usda": USDA_ANNUAL,
    }.get(program, Decimal(0))
    mi = cents(note * mi_rate / 100 / 12)
    piti = (
        pi
        + cents(_d(a["annual_property_tax"]) / 12)
        + cents(_d(a["annual_insurance"]) / 12)
        + _d(a.get("monthly_hoa", 0))
        + mi
    )
    debts, payoffs = counted_debts(a)
    income = _d(a["monthly_income"])
    second = _d(a.get("subordinate_liens", 0))  # on a purchase, new financing made at closing
    down = max(value - loan - second, Decimal(0)) if a["loan_purpose"] == "purchase" else Decimal(0)
    cash_fee = Decimal(0) if a.get("upfront_fee_financed") else fee
    ftc = max(
        down
        + _d(a.get("closing_costs", 0))
        + _d(a.get("prepaid_items", 0))
        + cash_fee
        + payoffs
        - _d(a.get("closing_credits", 0)),
        Decimal(0),
    )
    own, gifts = _assets(a)
    gifts = gifts if gifts_count else Decimal(0)
    left = max(own - max(ftc - gifts, Decimal(0)), Decimal(0))
    out = {
        "principal_interest": pi,
        "piti": piti,
        "monthly_debts": debts,
        "front_end_dti": pct_up(piti, income) if income else None,
        "back_end_dti": pct_up(piti + debts, income) if income else None,
        "ltv": ltv,
        "cltv": pct_up(loan + _d(a.get("subordinate_liens", 0)), value),
        "funds_to_close": ftc,
        "reserves_months": (left / piti).quantize(C, rounding=ROUND_FLOOR),
    }
    if program == "va" and a.get("monthly_income_taxes") is not None and a.get("living_area_sqft") is not None:
        upkeep = cents(VA_UPKEEP_PER_SQFT * a["living_area_sqft"])
        out["residual_income"] = income - _d(a["monthly_income_taxes"]) - piti - debts - upkeep
    return {k: str(v) for k, v in out.items()}
