"""Form 1003 fields: liabilities and assets lists, pricing, county and VA fields, each refused by name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InvalidApplication
from core.schemas import application_facts, application_from_facts, validate_application
from tests.core.support import application

pytestmark = pytest.mark.unit


def refused(**fields) -> dict[str, str]:
    with pytest.raises(InvalidApplication) as info:
        validate_application(application(**fields))
    return info.value.field_errors


def test_lists_and_new_fields_parse_exactly_and_survive_the_pipeline_facts():
    app = validate_application(
        application(
            monthly_debts=0,
            liquid_assets=0,
            liabilities=[
                {"kind": "student_loan", "balance": Decimal("42000.10"), "deferred": True},
                {"kind": "auto_loan", "monthly_payment": 410, "balance": 3900, "months_remaining": 9},
            ],
            assets=[
                {"kind": "retirement", "value": 80000, "vested_pct": 60, "source": "401(k)"},
                {"kind": "gift", "value": 15000, "donor": "relative"},
            ],
            closing_costs=6000,
            prepaid_items=1500,
            closing_credits=2000,
            apr=Decimal("6.711"),
            apor=Decimal("6.32"),
            prepaid_finance_charges=Decimal("4250.50"),
            county_fips=" 08031",
            household_size=4,
            monthly_income_taxes=1400,
            living_area_sqft=1850,
            credit_report_date="2026-09-30",
            credit_score_source="equifax",
        )
    )
    assert app.liabilities[0].balance == Decimal("42000.10") and app.liabilities[1].months_remaining == 9
    assert app.assets[1].donor == "relative" and app.county_fips == "08031" and app.apr == Decimal("6.711")
    assert application_from_facts(application_facts(app)).liabilities == app.liabilities
    assert application_from_facts(application_facts(app)).prepaid_finance_charges == Decimal("4250.50")


def test_a_flat_figure_beside_its_itemised_list_is_refused_so_nothing_is_counted_twice():
    """Bug: the flat monthly debts were added on top of the liabilities list with no hint: a $650 auto loan
    given both ways was counted twice (DTI 30.44% -> 36.10%) (issue 21, point 5)."""
    errors = refused(
        monthly_debts=650,
        liabilities=[{"kind": "auto_loan", "monthly_payment": 650, "balance": 9000}],
        liquid_assets=70000,
        assets=[{"kind": "checking_savings", "value": 70000}],
    )
    assert errors["liabilities"].startswith("are itemised, so the flat monthly non-housing debts must be 0")
    assert errors["assets"].startswith("are itemised, so the flat liquid assets must be 0")
    app = validate_application(
        application(
            monthly_debts=0,
            liquid_assets=0,
            liabilities=[{"kind": "auto_loan", "monthly_payment": 650}],
            assets=[{"kind": "checking_savings", "value": 70000}],
        )
    )
    assert (app.monthly_debts, len(app.liabilities), app.liquid_assets, len(app.assets)) == (0, 1, 0, 1)


def test_the_flat_fields_alone_still_make_an_application():
    app = validate_application(application())
    assert app.liabilities == () and app.assets == () and app.apr is None and app.county_fips is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"liabilities": [{"kind": "revolving", "balance": -5}]}, "liabilities.0.balance", "must not be negative"),
        (
            {"liabilities": [{"kind": "installment", "months_remaining": -1}]},
            "liabilities.0.months_remaining",
            "must not be negative",
        ),
        (
            {"liabilities": [{"kind": "installment", "monthly_payment": 250000}]},
            "liabilities.0.monthly_payment",
            "must be at most 100,000",
        ),
        ({"liabilities": [{"kind": "payday"}]}, "liabilities.0.kind", "must be one of"),
        ({"assets": [{"kind": "gift", "value": 10000}]}, "assets.0.donor", "is required for a gift"),
        (
            {"assets": [{"kind": "stocks", "value": 10000, "donor": "relative"}]},
            "assets.0.donor",
            "applies to a gift only",
        ),
        (
            {"assets": [{"kind": "retirement", "value": 10000, "vested_pct": 120}]},
            "assets.0.vested_pct",
            "must be at most 100",
        ),
        ({"assets": [{"kind": "checking_savings", "value": 10**12}]}, "assets.0.value", "must be at most 100,000,000"),
        ({"apr": -0.1}, "apr", "must not be negative"),
        ({"apor": 45}, "apor", "must be at most 30"),
        ({"county_fips": "99999"}, "county_fips", "is not a known county"),
        ({"county_fips": "06037"}, "county_fips", "is a county of CA, not of the property state CO"),
        ({"household_size": 0}, "household_size", "must be at least 1"),
        ({"closing_costs": -1}, "closing_costs", "must not be negative"),
        ({"closing_credits": 20_000_000}, "closing_credits", "must be at most 10,000,000"),
        ({"prepaid_finance_charges": -1}, "prepaid_finance_charges", "must not be negative"),
        ({"prepaid_finance_charges": 20_000_000}, "prepaid_finance_charges", "must be at most 10,000,000"),
        ({"credit_report_date": "2999-01-01"}, "credit_report_date", "must be a date between 2000-01-01 and today"),
        ({"credit_score_source": "myspace"}, "credit_score_source", "must be one of"),
    ],
)
def test_every_new_field_is_refused_with_its_name(fields, field, message):
    errors = refused(**fields)
    assert set(errors) == {field} and errors[field].startswith(message), errors
