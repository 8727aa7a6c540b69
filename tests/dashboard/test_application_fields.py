"""The application form's widget state <-> application data conversion, over every sample."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InvalidApplication
from core.schemas import LoanApplication, validate_application
from dashboard.application_fields import (
    FIELDS,
    application_from_state,
    default_state,
    list_samples,
    load_sample,
    state_from_application,
)
from dashboard.application_lists import LISTS, SCALAR_NAMES, form_1003_state, form_1003_values

pytestmark = pytest.mark.unit


def test_the_form_has_a_widget_for_every_application_field():
    assert {f.name for f in FIELDS} | set(LISTS) | set(SCALAR_NAMES) == set(LoanApplication.model_fields)


@pytest.mark.parametrize("sample", list_samples(), ids=lambda s: s.stem)
def test_every_sample_survives_the_round_trip_through_the_widgets(sample):
    state = {**state_from_application(sample.application), **form_1003_state(sample.application, 0)}
    through_form = validate_application({**application_from_state(state), **form_1003_values(state)})
    assert through_form == validate_application(sample.application)


def test_money_typed_as_a_float_becomes_exact_cents():
    state = state_from_application(load_sample("02_conventional_dti_exactly_43_approve").application)
    state["na_f_monthly_debts"] = 1287.8200000000002  # what a float widget can hold after stepping
    assert application_from_state(state)["monthly_debts"] == Decimal("1287.82")


def test_optional_fields_left_empty_are_not_sent():
    data = application_from_state(default_state())
    assert not {"application_id", "has_va_coe", "usda_eligible_area", "household_income_pct_ami"} & set(data)
    assert data["credit_key_factors"] == []


def test_a_blank_form_invents_nothing_every_figure_is_required():
    """Blank means blank: no believable figure is pre-filled, so every required amount is refused."""
    with pytest.raises(InvalidApplication) as err:
        validate_application(application_from_state(default_state()))
    errors = err.value.field_errors
    assert errors["applicant_name"] == "must not be empty"
    assert errors["ssn"] == "must be in the format ###-##-#### (or 9 digits)"
    assert errors["property_state"] == "must be a 2-letter USPS state code, e.g. CA"
    required = {
        "credit_score",
        "employment_years",
        "monthly_income",
        "monthly_debts",
        "liquid_assets",
        "loan_amount",
        "property_value",
        "interest_rate",
        "term_months",
        "property_units",
        "annual_property_tax",
        "annual_insurance",
    }
    assert {name for name, message in errors.items() if message == "is required"} == required


def test_samples_load_without_their_application_id_so_each_submission_is_new():
    sample = load_sample("01_conventional_clean_approve")
    assert "application_id" not in sample.application and sample.expected == "APPROVE"
    assert sample.title.startswith("Conventional purchase at exactly 80% LTV")
