"""Ratio math against cases worked by hand, and the rounding that never favours the borrower."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.schemas import validate_application
from policy.formulas import (
    RatioResult,
    back_end_dti,
    cltv,
    compute_ratios,
    debt_reduction_to_reach_dti,
    extra_down_payment_to_reach_ltv,
    front_end_dti,
    income_needed_for_dti,
    ltv,
    monthly_mortgage_insurance,
    monthly_principal_interest,
    piti,
    reserves_months,
)
from tests.core.support import application as raw_application

pytestmark = pytest.mark.unit


def application(**overrides):
    """The shared raw application (tests.core.support) with a $50 HOA, validated."""
    return validate_application(raw_application(**{"monthly_hoa": 50, **overrides}))


@pytest.mark.parametrize(
    ("principal", "rate", "months", "expected"),
    [
        # r = 6.5/1200 = 0.00541667; (1+r)^360 = 6.991798; 300,000 * r = 1,625.00;
        # 1,625.00 * 6.991798 / 5.991798 = 1,896.204 -> $1,896.20
        (300000, "6.5", 360, D("1896.20")),
        # r = 0.01; (1.01)^12 = 1.126825; 100,000 * 0.01 * 1.126825 / 0.126825 = 8,884.879 -> $8,884.88
        (100000, 12, 12, D("8884.88")),
        # r = 7/1200; (1+r)^360 = 8.116497; 400,000 * r = 2,333.33; * 8.116497 / 7.116497 = 2,661.210 -> $2,661.21
        (400000, 7, 360, D("2661.21")),
        # 0%: 200,000 / 360 = 555.5556 -> $555.56
        (200000, 0, 360, D("555.56")),
        # one month at 0%: the whole principal
        (1000, 0, 1, D("1000.00")),
    ],
)
def test_principal_and_interest(principal, rate, months, expected):
    assert monthly_principal_interest(principal, rate, months) == expected


def test_floats_and_bad_terms_are_refused():
    with pytest.raises(TypeError):
        monthly_principal_interest(300000, 6.5, 360)
    with pytest.raises(ValueError):
        monthly_principal_interest(300000, "6.5", 0)


@pytest.mark.parametrize(
    ("loan", "rate", "expected"),
    [
        (285000, "0.50", D("118.75")),  # 285,000 * 0.0050 = 1,425.00 / 12 = 118.75 (conventional PMI estimate)
        (400000, "0.55", D("183.33")),  # 400,000 * 0.0055 = 2,200.00 / 12 = 183.333 (FHA annual MIP)
        (250000, "0.35", D("72.92")),  # 250,000 * 0.0035 = 875.00 / 12 = 72.9167 (USDA annual fee)
        (500000, 0, D("0.00")),  # VA: no monthly MI
    ],
)
def test_mortgage_insurance(loan, rate, expected):
    assert monthly_mortgage_insurance(loan, rate) == expected


def test_piti_rounds_each_monthly_part_to_the_cent():
    # 1,000.00 + 1,000/12 = 83.33 + 1,000/12 = 83.33 + 25 HOA + 40 MI = 1,231.66
    assert piti(D("1000.00"), 1000, 1000, 25, 40) == D("1231.66")


def test_ratios_are_rounded_up_never_down():
    assert front_end_dti(D("2346.20"), 8000) == D("29.33")  # 29.3275 -> 29.33
    assert back_end_dti(D("3600"), 0, 8000) == D("45.00")  # exactly 45: no bump
    assert back_end_dti(D("3600.01"), 0, 8000) == D("45.01")  # 45.000125 -> 45.01, not 45.00
    assert ltv(95001, 100000) == D("95.01")  # 95.001 -> 95.01
    assert ltv(95000, 100000) == D("95.00")
    assert cltv(300000, 50000, 400000) == D("87.50")


def test_reserves_are_rounded_down():
    assert reserves_months(5999, 1000) == D("5.99")  # 5.999 -> 5.99: six months is not met
    with pytest.raises(ValueError):
        reserves_months(1000, 0)


def test_no_income_gives_no_ratio():
    assert front_end_dti(1000, 0) is None and back_end_dti(1000, 100, 0) is None


def test_compute_ratios_fixed_rate_by_hand():
    r = compute_ratios(application(), mi_annual_rate_pct=0)
    # P&I 1,896.20 + tax 3,600/12 = 300.00 + insurance 1,200/12 = 100.00 + HOA 50 + MI 0 = 2,346.20
    assert (r.principal_interest, r.property_tax, r.insurance, r.piti) == (
        D("1896.20"),
        D("300.00"),
        D("100.00"),
        D("2346.20"),
    )
    assert r.total_obligations == D("2846.20")  # + 500 debts
    assert r.front_end_dti == D("29.33")  # 2,346.20 / 8,000 = 29.3275%
    assert r.back_end_dti == D("35.58")  # 2,846.20 / 8,000 = 35.5775%
    assert (r.ltv, r.cltv) == (D("80.00"), D("80.00"))  # 300,000 / 375,000
    assert r.reserves_months == D("8.52")  # 20,000 / 2,346.20 = 8.5244


def test_compute_ratios_arm_at_qualifying_rate_with_mi_and_second_lien():
    app = application(
        product="arm",
        interest_rate=5,
        loan_amount=400000,
        property_value=420000,
        annual_property_tax=6000,
        annual_insurance=1800,
        monthly_hoa=0,
        monthly_income=10000,
        monthly_debts=1200,
        liquid_assets=10000,
        subordinate_liens=10000,
    )
    r = compute_ratios(app, mi_annual_rate_pct="0.50", qualifying_rate_pct=7)
    # P&I at 7%: 2,661.21; MI 400,000 * 0.005 / 12 = 166.67; tax 500.00; insurance 150.00
    assert (r.note_rate_pct, r.qualifying_rate_pct) == (D(5), D(7))
    assert (r.principal_interest, r.mortgage_insurance) == (D("2661.21"), D("166.67"))
    assert r.piti == D("3477.88")  # 2,661.21 + 166.67 + 500 + 150
    assert r.front_end_dti == D("34.78")  # 34.7788%
    assert r.back_end_dti == D("46.78")  # (3,477.88 + 1,200) / 10,000 = 46.7788%
    assert r.ltv == D("95.24")  # 400,000 / 420,000 = 95.238 -> up
    assert r.cltv == D("97.62")  # 410,000 / 420,000 = 97.619 -> up
    assert r.reserves_months == D("2.87")  # 10,000 / 3,477.88 = 2.8753 -> down


def test_result_is_frozen():
    r = compute_ratios(application(), mi_annual_rate_pct=0)
    assert isinstance(r, RatioResult)
    with pytest.raises(AttributeError):
        r.ltv = D(1)  # type: ignore[misc]


def test_debt_reduction_to_reach_dti():
    r = compute_ratios(application(), mi_annual_rate_pct=0)
    # 33% of 8,000 = 2,640.00; obligations 2,846.20 -> pay off 206.20 a month -> $207
    assert debt_reduction_to_reach_dti(r, 33, 8000) == D(207)
    assert back_end_dti(r.piti, r.monthly_debts - 207, 8000) <= 33
    assert back_end_dti(r.piti, r.monthly_debts - 206, 8000) > 33  # one dollar less is not enough
    assert debt_reduction_to_reach_dti(r, 45, 8000) == D(0)  # already under
    assert debt_reduction_to_reach_dti(r, 20, 8000) is None  # would need 1,247 > the 500 of debts


def test_extra_down_payment_to_reach_ltv():
    # 95% of 312,345 = 296,727.75; 300,000 - 296,727.75 = 3,272.25 -> $3,273
    assert extra_down_payment_to_reach_ltv(300000, 312345, 95) == D(3273)
    assert ltv(300000 - 3273, 312345) <= 95 < ltv(300000 - 3272, 312345)
    assert extra_down_payment_to_reach_ltv(250000, 312345, 95) == D(0)


def test_income_needed_for_dti():
    # 2,846.20 * 100 / 45 = 6,324.89 -> $6,325
    assert income_needed_for_dti(D("2846.20"), 45) == D(6325)
    assert back_end_dti(D("2846.20"), 0, 6325) <= 45 < back_end_dti(D("2846.20"), 0, 6324)
    with pytest.raises(ValueError):
        income_needed_for_dti(100, 0)
