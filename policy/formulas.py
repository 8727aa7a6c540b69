"""Qualifying ratios and "what would change the outcome" calculators: pure Decimal arithmetic.

Percentages are percentage points (45.00 means 45%), the unit the policy thresholds use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Protocol

from core.schemas import LoanApplication

# Rounding, so that no figure is ever rounded in the borrower's favour against a limit:
# - payments to the cent, half-up, like a lender's disclosure;
# - DTI, LTV and CLTV to two decimals, rounded UP: 45.001% is 45.01%, never 45.00%;
# - reserves in months to two decimals, rounded DOWN: 5.999 months is 5.99, never 6.00;
# - dollars needed to reach a limit rounded UP to the whole dollar.
Number = Decimal | int | str
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
TWELVE = Decimal(12)


def _d(value: Number) -> Decimal:
    """Decimal from Decimal, int or str; floats are refused so no binary error slips in."""
    if isinstance(value, float):
        raise TypeError("pass money and rates as Decimal, int or str, not float")
    return value if isinstance(value, Decimal) else Decimal(value)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pct_up(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * HUNDRED / denominator).quantize(CENT, rounding=ROUND_CEILING)


def _dollars_up(value: Decimal) -> Decimal:
    return max(value, Decimal(0)).to_integral_value(rounding=ROUND_CEILING)


def monthly_principal_interest(principal: Number, annual_rate_pct: Number, term_months: int) -> Decimal:
    """Level payment P*r / (1 - (1+r)^-n), r = annual % / 1200, n = months; P/n at 0%. Cents, half-up."""
    p, rate = _d(principal), _d(annual_rate_pct)
    if term_months < 1:
        raise ValueError("term_months must be at least 1")
    if rate == 0:
        return _cents(p / term_months)
    with localcontext() as ctx:
        ctx.prec = 40
        r = rate / 1200
        payment = p * r / (1 - (1 + r) ** -term_months)
    return _cents(payment)


def monthly_mortgage_insurance(loan_amount: Number, annual_rate_pct: Number) -> Decimal:
    """Monthly MI (PMI, FHA annual MIP, USDA annual fee) = loan amount * annual % / 100 / 12. Cents."""
    return _cents(_d(loan_amount) * _d(annual_rate_pct) / HUNDRED / TWELVE)


def piti(
    principal_interest: Number,
    annual_property_tax: Number,
    annual_insurance: Number,
    monthly_hoa: Number = 0,
    monthly_mi: Number = 0,
) -> Decimal:
    """Housing payment = P&I + tax/12 + insurance/12 + HOA + MI; each monthly part in cents, half-up."""
    tax, insurance = _cents(_d(annual_property_tax) / TWELVE), _cents(_d(annual_insurance) / TWELVE)
    return _d(principal_interest) + tax + insurance + _d(monthly_hoa) + _d(monthly_mi)


def front_end_dti(housing_payment: Number, monthly_income: Number) -> Decimal | None:
    """Housing ratio % = housing payment / gross monthly income * 100, ceiling at 2 dp; None if no income."""
    income = _d(monthly_income)
    return _pct_up(_d(housing_payment), income) if income > 0 else None


def back_end_dti(housing_payment: Number, monthly_debts: Number, monthly_income: Number) -> Decimal | None:
    """Back-end DTI % = (housing payment + other monthly debts) / gross income * 100, ceiling 2 dp;
    None if no income."""
    income = _d(monthly_income)
    return _pct_up(_d(housing_payment) + _d(monthly_debts), income) if income > 0 else None


def ltv(loan_amount: Number, property_value: Number) -> Decimal:
    """LTV % = loan amount / property value * 100, ceiling at 2 dp."""
    return _pct_up(_d(loan_amount), _d(property_value))


def cltv(loan_amount: Number, subordinate_liens: Number, property_value: Number) -> Decimal:
    """CLTV % = (loan amount + subordinate liens kept in place) / property value * 100, ceiling at 2 dp."""
    return _pct_up(_d(loan_amount) + _d(subordinate_liens), _d(property_value))


def reserves_months(liquid_assets: Number, housing_payment: Number) -> Decimal:
    """Reserves = liquid assets / monthly PITI, in months, FLOOR at 2 dp (a minimum is never rounded up to)."""
    payment = _d(housing_payment)
    if payment <= 0:
        raise ValueError("housing payment must be positive to count reserves in months of it")
    return (_d(liquid_assets) / payment).quantize(CENT, rounding=ROUND_FLOOR)


@dataclass(frozen=True)
class RatioResult:
    """Every figure the Ratio agent reports; money in dollars, ratios in percentage points."""

    note_rate_pct: Decimal
    qualifying_rate_pct: Decimal  # the rate the P&I below was computed at (ARM: note + policy add-on)
    mi_annual_rate_pct: Decimal
    principal_interest: Decimal
    property_tax: Decimal  # monthly
    insurance: Decimal  # monthly
    hoa: Decimal
    mortgage_insurance: Decimal  # monthly
    piti: Decimal  # the full housing payment, HOA and MI included
    monthly_debts: Decimal
    total_obligations: Decimal  # piti + monthly_debts
    monthly_income: Decimal
    front_end_dti: Decimal | None  # None: no income, no ratio (fails any maximum)
    back_end_dti: Decimal | None
    ltv: Decimal
    cltv: Decimal
    reserves_months: Decimal


def compute_ratios(
    app: LoanApplication, *, mi_annual_rate_pct: Number, qualifying_rate_pct: Number | None = None
) -> RatioResult:
    """All ratios for `app`. The MI rate and any ARM qualifying rate come from the policy text; pass 0 for no MI."""
    rate = _d(qualifying_rate_pct) if qualifying_rate_pct is not None else app.interest_rate
    pi = monthly_principal_interest(app.loan_amount, rate, app.term_months)
    mi = monthly_mortgage_insurance(app.loan_amount, mi_annual_rate_pct)
    housing = piti(pi, app.annual_property_tax, app.annual_insurance, app.monthly_hoa, mi)
    return RatioResult(
        note_rate_pct=app.interest_rate,
        qualifying_rate_pct=rate,
        mi_annual_rate_pct=_d(mi_annual_rate_pct),
        principal_interest=pi,
        property_tax=_cents(app.annual_property_tax / TWELVE),
        insurance=_cents(app.annual_insurance / TWELVE),
        hoa=app.monthly_hoa,
        mortgage_insurance=mi,
        piti=housing,
        monthly_debts=app.monthly_debts,
        total_obligations=housing + app.monthly_debts,
        monthly_income=app.monthly_income,
        front_end_dti=front_end_dti(housing, app.monthly_income),
        back_end_dti=back_end_dti(housing, app.monthly_debts, app.monthly_income),
        ltv=ltv(app.loan_amount, app.property_value),
        cltv=cltv(app.loan_amount, app.subordinate_liens, app.property_value),
        reserves_months=reserves_months(app.liquid_assets, housing),
    )


class Obligations(Protocol):
    """What a debt-reduction remedy reads: RatioResult here, policy.figures.RatioFigures in the checks."""

    @property
    def total_obligations(self) -> Decimal: ...

    @property
    def monthly_debts(self) -> Decimal: ...


def debt_reduction_to_reach_dti(app_ratios: Obligations, target_pct: Number, income: Number) -> Decimal | None:
    """Monthly debt to pay off so back-end DTI <= target: ceil(PITI + debts - target% * income), whole dollars.

    0 when already at or under the target; None when paying off every non-housing debt is not enough.
    """
    needed = _dollars_up(app_ratios.total_obligations - _d(target_pct) * _d(income) / HUNDRED)
    return needed if needed <= app_ratios.monthly_debts else None


def extra_down_payment_to_reach_ltv(loan_amount: Number, property_value: Number, target_pct: Number) -> Decimal:
    """Extra cash down so LTV <= target: ceil(loan - target% * value), whole dollars; 0 if already there."""
    return _dollars_up(_d(loan_amount) - _d(target_pct) * _d(property_value) / HUNDRED)


def income_needed_for_dti(monthly_obligations: Number, target_pct: Number) -> Decimal:
    """Gross monthly income at which obligations / income <= target%: ceil(obligations * 100 / target), dollars.

    Pass PITI for the housing ratio, PITI + debts for the back-end ratio.
    """
    target = _d(target_pct)
    if target <= 0:
        raise ValueError("target_pct must be positive")
    return _dollars_up(_d(monthly_obligations) * HUNDRED / target)


def apr_actuarial(amount_financed: Number, payments: Sequence[Number], periods_per_year: int = 12) -> Decimal:
    """The annual percentage rate by Regulation Z Appendix J's actuarial method, in percent (6 decimals).

    Single advance, regular first period: the unit-period is the payment period and payment k falls k
    unit-periods after the advance, so the general equation (b)(8) reads A = sum P_k / (1 + i)^k; the unit-period
    rate i is found by bisection and the APR is i times the unit-periods in a year ((b)(1)). Under the
    actuarial method the balance grows by i each period and falls by each payment, and reaches 0 with the last.
    """
    advance = _d(amount_financed)
    flows = [_d(p) for p in payments]
    if advance <= 0 or not flows or any(p < 0 for p in flows):
        raise ValueError("an APR needs a positive amount financed and non-negative payments")
    if sum(flows) <= advance:
        raise ValueError("the payments do not exceed the amount financed: there is no finance charge")
    with localcontext() as ctx:
        ctx.prec = 40
        low, high = Decimal(0), Decimal(1)
        while _present_value(flows, high) > advance:  # a rate above 100% a period: widen the bracket
            high *= 2
        while high - low > Decimal("1e-15"):
            mid = (low + high) / 2
            low, high = (mid, high) if _present_value(flows, mid) > advance else (low, mid)
        apr = (low + high) / 2 * periods_per_year * HUNDRED
    return apr.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _present_value(flows: list[Decimal], rate: Decimal) -> Decimal:
    """sum flows[k-1] / (1 + rate)^k, by Horner's rule from the last payment back."""
    v = 1 / (1 + rate)
    total = Decimal(0)
    for payment in reversed(flows):
        total = (total + payment) * v
    return total
