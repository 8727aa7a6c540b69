"""HMDA rows as applications: stated assumptions, computed debts, and protected fields kept apart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.batch.hmda import Unmappable, load_mapping, to_application
from agents.batch.runner import parse_rows
from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from policy.formulas import monthly_principal_interest

pytestmark = pytest.mark.unit

KEY = "0123456789abcdef"
ROW = {
    "approved": "1",
    "loan_amount": "125000.0",
    "income": "42.0",
    "debt_to_income_ratio": "40",
    "loan_to_value_ratio": "97.0",
    "loan_purpose": "1",
    "applicant_race-1": "5.0",
    "applicant_sex": "2",
    "applicant_age": "25-34",
    "property_value": "135000",
    "occupancy_type": "1",
}


def test_a_purchase_row_maps_to_an_application_with_worked_figures():
    mapped = to_application(ROW, 3, file_key=KEY)
    a = mapped.application
    # income 42 thousand a year -> $3,500.00 a month
    assert a["monthly_income"] == Decimal("3500.00")
    # housing: P&I on $125,000 at 6.5% / 360 months + tax 1.1% and insurance 0.35% of $135,000 a year
    housing = (
        monthly_principal_interest(Decimal(125000), Decimal("6.5"), 360)
        + Decimal("1485.00") / 12
        + Decimal("472.50") / 12
    )
    assert monthly_principal_interest(Decimal(125000), Decimal("6.5"), 360) == Decimal("790.09")
    # HMDA DTI 40% is back-end: debts = 40% x 3,500 - housing payment
    assert a["monthly_debts"] == (Decimal(1400) - housing).quantize(Decimal("0.01"))
    assert a["monthly_debts"] == Decimal("446.78")
    # assets: down payment $10,000 + closing 3% of the loan $3,750 + 6 months of housing
    assert a["liquid_assets"] == (Decimal(10000) + Decimal(3750) + housing.quantize(Decimal("0.01")) * 6)
    assert (a["loan_type"], a["loan_purpose"], a["occupancy"]) == ("conventional", "purchase", "primary")
    assert (a["closing_costs"], a["apr"], a["apor"]) == (Decimal("3750.00"), Decimal("6.65"), Decimal("6.0"))
    assert mapped.monitoring == {"race": "White", "sex": "Female", "age": "25-34", "hmda_approved": True}
    validate_application(a)


def test_unmappable_rows_name_the_hmda_column():
    with pytest.raises(Unmappable) as home_improvement:
        to_application({**ROW, "loan_purpose": "2"}, 1, file_key=KEY)
    assert home_improvement.value.field == "loan_purpose"
    with pytest.raises(Unmappable) as no_value:
        to_application({**ROW, "property_value": "", "loan_to_value_ratio": ""}, 1, file_key=KEY)
    assert no_value.value.field == "property_value"
    derived = to_application({**ROW, "property_value": ""}, 1, file_key=KEY).application
    assert derived["property_value"] == Decimal(128866)


def test_large_loans_are_jumbo_and_missing_income_is_left_for_intake():
    big = to_application({**ROW, "loan_amount": "900000", "property_value": "1200000"}, 1, file_key=KEY).application
    assert big["loan_type"] == "jumbo"
    none = to_application({**ROW, "income": ""}, 1, file_key=KEY).application
    assert none["monthly_income"] == 0 and none["monthly_debts"] == 0


@settings(max_examples=60, deadline=None)
@given(
    race=st.sampled_from(["1", "2", "21", "3", "4", "44", "5", "6", "7"]),
    sex=st.sampled_from(["1", "2", "3", "6"]),
    age=st.sampled_from(["<25", "25-34", "45-54", ">74", "8888"]),
    approved=st.sampled_from(["0", "1"]),
)
def test_protected_fields_and_the_real_outcome_never_change_the_application(race, sex, age, approved):
    row = {**ROW, "applicant_race-1": race, "applicant_sex": sex, "applicant_age": age, "approved": approved}
    mapped = to_application(row, 7, file_key=KEY)
    assert mapped.application == to_application(ROW, 7, file_key=KEY).application
    assert not set(mapped.monitoring.values()) & {str(v) for v in mapped.application.values()} - {"True"}


def test_the_committed_slice_maps_and_reports_every_unmappable_row():
    slice_path = PROJECT_ROOT / "seed_data" / "hmda" / "hmda_2022_slice.csv"
    valid, refused, total = parse_rows(slice_path, source="hmda")
    assert total == 300 and len(valid) + len(refused) == 300 and len(valid) > 200
    assert all(set(r["errors"]) <= {"loan_purpose", "property_value", "income", "occupancy_type"} for r in refused)
    assert load_mapping()["assumptions"]["credit_score"] == 720
