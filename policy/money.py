"""Form 1003 money, pure Decimal arithmetic: debts counted, assets counted, funds to close, reserves
after closing (Underwriting Standards 3.4, 5.1, 5.2, 5.5) and VA residual income.

Every percentage comes in from the caller, read from the policy text or a published table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from core.application_items import Asset, Liability
from core.schemas import LoanApplication

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
INSTALLMENT_KINDS = frozenset({"installment", "auto_loan", "student_loan"})


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DebtPolicy:
    """Debt rules read from the policy: installment debts with more than `installment_min_months`
    payments left count; a revolving account with no payment counts at `revolving_pct` of its
    balance; a deferred student loan at `student_pct` of its balance / `student_months` (None: the
    program states no method, so a person decides)."""

    installment_min_months: int | None = None
    revolving_pct: Decimal | None = None
    student_pct: Decimal | None = None
    student_months: int = 1


@dataclass(frozen=True)
class CountedDebt:
    kind: str
    reported: Decimal  # the payment on the application
    counted: Decimal  # the payment in the DTI
    treatment: str  # counted / excluded_short / paid_off / deferred_student / revolving_no_payment / unresolved
    payoff: Decimal = ZERO  # balance paid from the borrower's funds at closing


def needs(liability: Liability) -> str | None:
    """The debt rule a liability needs read from the policy, or None."""
    if liability.paid_off_at_closing:
        return None
    if liability.kind == "student_loan" and liability.deferred:
        return "deferred_student"
    if liability.kind == "revolving" and liability.monthly_payment == 0 and liability.balance > 0:
        return "revolving_no_payment"
    if liability.kind in INSTALLMENT_KINDS and liability.months_remaining is not None:
        return "installment_months"
    return None


def count_debt(liability: Liability, policy: DebtPolicy) -> CountedDebt:
    """The monthly payment a liability adds to the DTI, and why."""
    item = lambda counted, treatment, payoff=ZERO: CountedDebt(  # noqa: E731
        liability.kind, liability.monthly_payment, counted, treatment, payoff
    )
    rule = needs(liability)
    if liability.paid_off_at_closing:
        return item(ZERO, "paid_off", liability.balance)
    if rule == "deferred_student":
        if policy.student_pct is None:
            return item(liability.monthly_payment, "unresolved")
        imputed = _cents(liability.balance * policy.student_pct / HUNDRED / policy.student_months)
        return item(max(imputed, liability.monthly_payment), "deferred_student")
    if rule == "revolving_no_payment" and policy.revolving_pct is not None:
        return item(_cents(liability.balance * policy.revolving_pct / HUNDRED), "revolving_no_payment")
    if rule == "installment_months" and policy.installment_min_months is not None:
        if liability.months_remaining <= policy.installment_min_months:
            return item(ZERO, "excluded_short")
    if rule is not None and rule != "installment_months":
        return item(liability.monthly_payment, "unresolved")
    return item(liability.monthly_payment, "counted")


def count_debts(app: LoanApplication, policy: DebtPolicy) -> tuple[CountedDebt, ...]:
    """Every liability counted; the flat `monthly_debts` is one more liability, counted in full."""
    flat = (CountedDebt("other", app.monthly_debts, app.monthly_debts, "counted"),) if app.monthly_debts else ()
    return flat + tuple(count_debt(item, policy) for item in app.liabilities)


@dataclass(frozen=True)
class AssetPolicy:
    """Shares of value counted (Underwriting Standards 5.5), in percent."""

    cash_pct: Decimal
    stocks_pct: Decimal
    retirement_pct: Decimal


def counted_value(asset: Asset, policy: AssetPolicy) -> Decimal:
    """The value an asset contributes: cash in full, stocks and vested retirement at the policy's
    shares; a gift at face value (for closing only); other assets (cash on hand, crypto) nothing."""
    if asset.kind == "checking_savings":
        return _cents(asset.value * policy.cash_pct / HUNDRED)
    if asset.kind == "stocks":
        return _cents(asset.value * asset.vested_pct / HUNDRED * policy.stocks_pct / HUNDRED)
    if asset.kind == "retirement":
        return _cents(asset.value * asset.vested_pct / HUNDRED * policy.retirement_pct / HUNDRED)
    if asset.kind == "gift":
        return asset.value
    return ZERO


@dataclass(frozen=True)
class Funds:
    """Funds to close and what is left after closing, in dollars; reserves in months."""

    down_payment: Decimal
    closing_costs: Decimal
    prepaid_items: Decimal
    upfront_fee_cash: Decimal  # an upfront premium or fee paid at closing, not financed
    debt_payoffs: Decimal
    credits: Decimal
    funds_to_close: Decimal
    own_funds: Decimal  # counted non-gift assets, the flat liquid_assets included
    gift_funds: Decimal  # acceptable gifts only
    available: Decimal
    shortfall: Decimal
    reserves_after_closing: Decimal
    reserves_months: Decimal


def compute_funds(
    app: LoanApplication,
    *,
    piti: Decimal,
    upfront_fee: Decimal,
    assets: AssetPolicy,
    payoffs: Decimal,
    gifts_acceptable: bool,
) -> Funds:
    """Down payment + closing costs + prepaids (+ upfront fee paid in cash + debts paid off) - credits.

    The down payment is the price not financed: on a purchase a subordinate lien can only be new financing
    made at closing (Underwriting Standards 3.3 counts such liens in CLTV), so it pays part of the price
    and is not cash the borrower brings. Gifts go to closing first: they never count toward reserves
    (Underwriting Standards 5.5).
    """
    financed = app.loan_amount + app.subordinate_liens
    down = max(app.property_value - financed, ZERO) if app.loan_purpose == "purchase" else ZERO
    fee_cash = ZERO if app.upfront_fee_financed else upfront_fee
    ftc = max(down + app.closing_costs + app.prepaid_items + fee_cash + payoffs - app.closing_credits, ZERO)
    own = app.liquid_assets + sum((counted_value(a, assets) for a in app.assets if a.kind != "gift"), ZERO)
    gifts = sum((a.value for a in app.assets if a.kind == "gift"), ZERO) if gifts_acceptable else ZERO
    left = max(own - max(ftc - gifts, ZERO), ZERO)
    months = (left / piti).quantize(CENT, rounding=ROUND_FLOOR) if piti > 0 else ZERO
    return Funds(
        down,
        app.closing_costs,
        app.prepaid_items,
        fee_cash,
        payoffs,
        app.closing_credits,
        ftc,
        own,
        gifts,
        own + gifts,
        max(ftc - own - gifts, ZERO),
        left,
        months,
    )


def residual_income(
    app: LoanApplication, *, piti: Decimal, debts: Decimal, maintenance_per_sqft: Decimal
) -> Decimal | None:
    """VA residual income: income - income taxes - PITI - other debts - maintenance and utilities.

    None when the file lacks the income taxes or the living area the worksheet needs.
    """
    if app.monthly_income_taxes is None or app.living_area_sqft is None:
        return None
    upkeep = _cents(maintenance_per_sqft * app.living_area_sqft)
    return app.monthly_income - app.monthly_income_taxes - piti - debts - upkeep
