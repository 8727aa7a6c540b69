"""The APR by Regulation Z Appendix J's actuarial method (issue 20 item 8), against examples worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from policy.formulas import apr_actuarial, monthly_principal_interest

pytestmark = pytest.mark.unit


def test_one_payment_a_month_after_the_advance():
    """$1,000 advanced, $1,010 paid one month later: 1% a month, 12% a year ((b)(1): unit rate x 12)."""
    assert apr_actuarial(1000, [1010]) == D("12.000000")


def test_two_payments_worked_by_the_actuarial_method():
    """Appendix J (a)(2): each month the balance grows by the finance charge earned and falls by the payment.
    At 1% a month: $1,000 -> $1,010 - $510 = $500 -> $505 - $505 = $0, so the APR is 12%."""
    assert apr_actuarial(1000, [510, 505]) == D("12.000000")


def test_appendix_j_monthly_payment_example():
    """Appendix J (c)(1)(i), monthly payments, regular first period: $5,000 advanced, 24 payments of $230 -> 9.69%."""
    assert apr_actuarial(5000, [230] * 24).quantize(D("0.01")) == D("9.69")


def _balance_after(amount: D, payments: list[D], apr_pct: D) -> D:
    i = apr_pct / 1200
    balance = amount
    for payment in payments:
        balance = balance * (1 + i) - payment
    return balance


def test_a_mortgage_without_finance_charges_has_its_note_rate_as_apr():
    """$200,000 at 6% over 360 months: payment $1,199.10 (cents); nothing withheld, so the APR is the note rate
    (within the cent the payment was rounded by)."""
    payment = monthly_principal_interest(200000, 6, 360)
    assert payment == D("1199.10")
    assert abs(apr_actuarial(200000, [payment] * 360) - 6) < D("0.001")


def test_prepaid_finance_charges_raise_the_apr_and_the_balance_runs_to_zero():
    """$4,000 of prepaid finance charges: the amount financed is $196,000 on the same payments; at the APR found,
    the actuarial balance of $196,000 is paid off by the 360th payment (to within a cent)."""
    payment = monthly_principal_interest(200000, 6, 360)
    apr = apr_actuarial(196000, [payment] * 360)
    assert D("6.18") < apr < D("6.20")
    assert abs(_balance_after(D(196000), [payment] * 360, apr)) < D("0.5")


def test_no_finance_charge_or_no_payment_is_refused():
    with pytest.raises(ValueError):
        apr_actuarial(1000, [500, 500])
    with pytest.raises(ValueError):
        apr_actuarial(0, [10])
    with pytest.raises(ValueError):
        apr_actuarial(1000, [])
