"""Form 1003 money, pure: debts counted, assets counted, funds to close, reserves after closing, the
published tables, and the independent hand calculator against the policy's own worked example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.schemas import validate_application
from policy import money, reference
from policy.checks.limits import spread_margin
from tests.agents.hand_figures import figures
from tests.core.support import application

pytestmark = pytest.mark.unit
POLICY = money.DebtPolicy(installment_min_months=10, revolving_pct=Decimal(5), student_pct=Decimal(1))
SHARES = money.AssetPolicy(Decimal(100), Decimal(70), Decimal(60))


def app(**fields):
    return validate_application(application(**fields))


@pytest.mark.parametrize(
    ("item", "counted", "treatment"),
    [
        ({"kind": "installment", "monthly_payment": 400, "months_remaining": 10}, "0", "excluded_short"),
        ({"kind": "installment", "monthly_payment": 400, "months_remaining": 11}, "400", "counted"),
        (
            {"kind": "lease", "monthly_payment": 400, "months_remaining": 3},
            "400",
            "counted",
        ),  # leases always count (5.1(d))
        ({"kind": "revolving", "monthly_payment": 0, "balance": 3000}, "150.00", "revolving_no_payment"),
        ({"kind": "student_loan", "balance": 30000, "deferred": True}, "300.00", "deferred_student"),
        (
            {"kind": "student_loan", "monthly_payment": 350, "balance": 30000, "deferred": True},
            "350",
            "deferred_student",
        ),
        (
            {
                "kind": "auto_loan",
                "monthly_payment": 500,
                "balance": 9000,
                "months_remaining": 20,
                "paid_off_at_closing": True,
            },
            "0",
            "paid_off",
        ),
    ],
)
def test_each_debt_rule(item, counted, treatment):
    (debt,) = money.count_debts(app(monthly_debts=0, liabilities=[item]), POLICY)
    assert (debt.counted, debt.treatment) == (Decimal(counted), treatment)


def test_a_deferred_student_loan_without_a_program_method_is_unresolved():
    (debt,) = money.count_debts(
        app(monthly_debts=0, liabilities=[{"kind": "student_loan", "balance": 1, "deferred": True}]),
        money.DebtPolicy(installment_min_months=10),
    )
    assert debt.treatment == "unresolved"


def test_the_flat_monthly_debts_alone_is_one_liability_counted_in_full():
    (debt,) = money.count_debts(app(monthly_debts=250), POLICY)
    assert (debt.kind, debt.counted, debt.treatment) == ("other", 250, "counted")


def test_funds_to_close_and_reserves_after_closing():
    a = app(
        loan_amount=300000,
        property_value=375000,
        liquid_assets=0,
        closing_costs=6000,
        prepaid_items=1500,
        closing_credits=2500,
        assets=[
            {"kind": "checking_savings", "value": 20000},
            {"kind": "retirement", "value": 100000, "vested_pct": 50},
            {"kind": "stocks", "value": 10000},
            {"kind": "gift", "value": 30000, "donor": "relative"},
            {"kind": "other", "value": 9999},
        ],
    )
    f = money.compute_funds(
        a, piti=Decimal("2000"), upfront_fee=Decimal(0), assets=SHARES, payoffs=Decimal(0), gifts_acceptable=True
    )
    assert f.funds_to_close == Decimal(75000 + 6000 + 1500 - 2500)
    assert f.own_funds == Decimal(20000 + 30000 + 7000)  # retirement 50% vested x 60%, stocks 70%, other nothing
    assert f.reserves_after_closing == Decimal(57000 - (80000 - 30000)) and f.reserves_months == Decimal("3.50")
    without_gift = money.compute_funds(
        a, piti=Decimal("2000"), upfront_fee=Decimal(0), assets=SHARES, payoffs=Decimal(0), gifts_acceptable=False
    )
    assert without_gift.shortfall == Decimal(80000 - 57000) and without_gift.reserves_months == 0


def test_a_second_lien_made_at_closing_pays_part_of_the_price():
    """Underwriting Standards 3.3: a subordinate lien "made at closing"; on a purchase it finances part of the price
    (a piggyback second), so the borrower brings the price less both loans, never less than nothing."""
    kw = dict(piti=Decimal(2000), upfront_fee=Decimal(0), assets=SHARES, payoffs=Decimal(0), gifts_acceptable=True)
    piggyback = money.compute_funds(
        app(
            loan_amount=320000, property_value=400000, subordinate_liens=40000, closing_costs=8000, liquid_assets=60000
        ),
        **kw,
    )
    assert (piggyback.down_payment, piggyback.funds_to_close, piggyback.shortfall) == (40000, 48000, 0)
    over = money.compute_funds(
        app(loan_amount=296000, property_value=400000, subordinate_liens=200000, closing_costs=6000), **kw
    )
    assert (over.down_payment, over.funds_to_close) == (0, 6000)


def test_an_upfront_fee_is_cash_to_close_unless_financed():
    a = app(loan_purpose="rate_term_refinance", closing_costs=1000)
    cash = money.compute_funds(
        a, piti=Decimal(1), upfront_fee=Decimal(500), assets=SHARES, payoffs=Decimal(0), gifts_acceptable=True
    )
    financed = money.compute_funds(
        a.model_copy(update={"upfront_fee_financed": True}),
        piti=Decimal(1),
        upfront_fee=Decimal(500),
        assets=SHARES,
        payoffs=Decimal(0),
        gifts_acceptable=True,
    )
    assert (cash.funds_to_close, financed.funds_to_close) == (Decimal(1500), Decimal(1000))


def test_va_residual_income_needs_taxes_and_living_area():
    a = app(loan_type="va", monthly_income=9000, monthly_income_taxes=1200, living_area_sqft=2000)
    assert money.residual_income(
        a, piti=Decimal("2888.34"), debts=Decimal(500), maintenance_per_sqft=Decimal("0.14")
    ) == Decimal("4131.66")
    assert (
        money.residual_income(
            app(loan_type="va"), piti=Decimal(1), debts=Decimal(0), maintenance_per_sqft=Decimal("0.14")
        )
        is None
    )


@pytest.mark.parametrize(
    ("loan", "size", "region", "minimum"),
    [
        (79999, 1, "northeast", 390),
        (80000, 1, "northeast", 450),
        (300000, 4, "west", 1117),
        (300000, 6, "south", 1119),
        (50000, 7, "midwest", 1052),
        (300000, 5, "northeast", 1062),
    ],
)
def test_va_residual_income_table(loan, size, region, minimum):
    assert reference.va_residual_minimum(Decimal(loan), size, region).value == minimum


def test_va_table_edges():
    assert reference.va_residual_minimum(Decimal(300000), 8, "south") is None  # beyond the table: a person decides
    assert (reference.va_region("TX"), reference.va_region("NJ"), reference.va_region("GU")) == (
        "south",
        "northeast",
        None,
    )


def test_fha_county_table():
    listed, floor = reference.fha_county_limit("06037", 1)
    assert (listed.value, floor) == (Decimal(1249125), Decimal(541287))
    assert reference.fha_county_limit("08031", 1)[0] is None and reference.fha_county_limit("06037", 3)[0] is None


def test_general_qm_margin_by_loan_size():
    values = {
        "indexed": Decimal(137958),
        "mid_floor": Decimal(82775),
        "margin_large": Decimal("2.25"),
        "margin_mid": Decimal("3.5"),
        "margin_small": Decimal("6.5"),
    }
    assert [spread_margin(Decimal(x), values) for x in (137958, 137957, 82775, 82774)] == [
        Decimal("2.25"),
        Decimal("3.5"),
        Decimal("3.5"),
        Decimal("6.5"),
    ]


def test_the_hand_calculator_reproduces_the_policy_worked_example():
    """Underwriting Standards 3.6: PITI $2,800.17, 29.48%, 36.32%, LTV 95.00%, reserves 7.14 ($24,000 to close)."""
    example = dict(
        loan_amount=332500,
        property_value=350000,
        loan_type="conventional",
        interest_rate="6.50",
        product="fixed",
        term_months=360,
        annual_property_tax=4800,
        annual_insurance=1500,
        monthly_hoa=35,
        monthly_debts=650,
        monthly_income=9500,
        loan_purpose="purchase",
        liquid_assets=44000,
        closing_costs=6500,
    )
    got = figures(example)
    assert (
        got["piti"],
        got["front_end_dti"],
        got["back_end_dti"],
        got["ltv"],
        got["funds_to_close"],
        got["reserves_months"],
    ) == ("2800.17", "29.48", "36.32", "95.00", "24000.00", "7.14")
    arm = figures({**example, "product": "arm"})
    assert (arm["principal_interest"], arm["piti"], arm["front_end_dti"], arm["back_end_dti"]) == (
        "2556.64",
        "3255.18",
        "34.27",
        "41.11",
    )


@pytest.mark.parametrize(
    ("changes", "fee_pct"),
    [
        ({"loan_amount": 300000, "property_value": 300000}, "2.15"),
        ({"loan_amount": 300000, "property_value": 300000, "va_subsequent_use": True}, "3.30"),
        ({"loan_amount": 285000, "property_value": 300000}, "1.50"),
        ({"loan_amount": 270000, "property_value": 300000}, "1.25"),
        ({"loan_amount": 270000, "property_value": 300000, "va_subsequent_use": True}, "1.25"),
        ({"loan_amount": 300000, "property_value": 300000, "va_funding_fee_exempt": True}, "0"),
    ],
)
def test_va_funding_fee_tiers(changes, fee_pct):
    from policy.checks.money import va_funding_fee_pct

    values = {
        "first_low": Decimal("2.15"),
        "low_dp": Decimal(5),
        "first_mid": Decimal("1.50"),
        "mid_dp": Decimal(10),
        "first_high": Decimal("1.25"),
        "subsequent_low": Decimal("3.30"),
    }
    assert va_funding_fee_pct(app(loan_type="va", **changes), values) == Decimal(fee_pct)


def test_intake_reads_itemised_assets_as_assets_reported():
    """Bug: with the flat liquid assets 0 and a $70,000 checking account itemised, Intake said "No liquid assets are
    reported: reserves are zero" while the card counted the funds (issue 21, point 5)."""
    from agents.intake import check_application

    itemised = app(
        liquid_assets=0,
        assets=[{"kind": "checking_savings", "value": 70000}, {"kind": "gift", "value": 15000, "donor": "relative"}],
    )
    assert "no_assets" not in {f.rule_id.split(".")[-1] for f in check_application(itemised)}
    assert any("No liquid assets" in f.message for f in check_application(app(liquid_assets=0)))
