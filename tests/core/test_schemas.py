"""The application schema: what it accepts, how it refuses, and that the SSN never leaks."""

from __future__ import annotations

import traceback
from decimal import Decimal

import pytest
from pydantic import ValidationError

from core.errors import InvalidApplication, LoanGraphError
from core.schemas import LoanApplication, masked_ssn, validate_application
from tests.core.support import SSN, application

pytestmark = pytest.mark.unit


def test_valid_application_parses_money_as_exact_decimal():
    app = validate_application(application(monthly_hoa=0.1, interest_rate=6.875))
    assert app.monthly_hoa == Decimal("0.1")  # parsed through the text, not the binary float
    assert app.interest_rate == Decimal("6.875")
    assert app.points_and_fees == 0 and app.subordinate_liens == 0 and app.first_time_buyer is False


def test_ssn_and_state_are_normalised():
    app = validate_application(application(ssn=" 123456789 ", property_state=" co"))
    assert app.ssn.get_secret_value() == SSN
    assert app.property_state == "CO"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"veteran": True}, True),
        ({"veteran": False}, False),
        ({}, False),
        ({"veteran": True, "has_va_coe": False}, False),
    ],
)
def test_va_coe_defaults_from_veteran(given, expected):
    assert validate_application(application(**given)).has_va_coe is expected


def test_several_bad_fields_give_one_clear_message_each():
    bad = application(
        credit_score=900,
        ssn="12-345-678",
        property_state="XX",
        loan_amount=0,
        property_value=-5,
        term_months=600,
        interest_rate="abc",
        monthly_debts=-1,
        employment_status="boss",
        veteran="maybe",
        loan_type="reverse",
        nickname="Dee",
    )
    del bad["applicant_name"]
    with pytest.raises(InvalidApplication) as info:
        validate_application(bad)
    assert info.value.field_errors == {
        "applicant_name": "is required",
        "ssn": "must be in the format ###-##-#### (or 9 digits)",
        "credit_score": "must be between 300 and 850",
        "employment_status": "must be one of 'employed', 'self_employed', 'retired' or 'unemployed'",
        "monthly_debts": "must not be negative",
        "loan_type": "must be one of 'conventional', 'fha', 'va', 'usda' or 'jumbo'",
        "loan_amount": "must be greater than 0",
        "property_value": "must be greater than 0",
        "interest_rate": "must be a number, not text",
        "term_months": "must be between 1 and 480",
        "property_state": "must be a 2-letter USPS state code, e.g. CA",
        "veteran": "must be true or false",
        "nickname": "is not a field of a loan application",
    }
    assert "credit_score: must be between 300 and 850" in info.value.messages()
    assert isinstance(info.value, LoanGraphError)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_score", 299, "must be between 300 and 850"),
        ("interest_rate", 25.01, "must be between 0 and 25"),
        ("property_units", 5, "must be between 1 and 4"),
        ("term_months", 0, "must be between 1 and 480"),
        ("term_months", 360.5, "must be a whole number"),
        ("annual_insurance", -0.01, "must not be negative"),
        ("liquid_assets", float("nan"), "must be a finite number"),
        ("liquid_assets", "NaN", "must be a number, not text"),
        ("applicant_name", "   ", "must not be empty"),
        ("ssn", 123456789, "must be text in the format ###-##-####"),
        ("household_income_pct_ami", -1, "must not be negative"),
    ],
)
def test_each_bound_has_a_plain_message(field, value, message):
    with pytest.raises(InvalidApplication) as info:
        validate_application(application(**{field: value}))
    assert info.value.field_errors == {field: message}


def test_limits_themselves_are_accepted():
    app = validate_application(application(credit_score=850, term_months=480, interest_rate=0, property_units=4))
    assert (app.credit_score, app.term_months, app.interest_rate) == (850, 480, 0)


def test_non_object_input_is_refused():
    with pytest.raises(InvalidApplication) as info:
        validate_application(["not", "a", "dict"])
    assert list(info.value.field_errors) == ["application"]


def test_ssn_never_in_repr_str_json_or_errors():
    app = validate_application(application())
    for text in (repr(app), str(app), app.model_dump_json(), str(app.model_dump())):
        assert SSN not in text and "6789" not in text
    with pytest.raises(InvalidApplication) as info:
        validate_application(application(ssn=SSN, credit_score=1))
    rendered = "".join(traceback.format_exception(info.value))
    assert SSN not in rendered and SSN not in str(info.value)


def test_masked_ssn_shows_last_four_only():
    app = validate_application(application())
    assert app.ssn_masked == "***-**-6789"
    assert masked_ssn(app.ssn) == masked_ssn("123456789") == "***-**-6789"
    assert masked_ssn("12") == "***-**-****"


def test_application_is_immutable():
    app = validate_application(application())
    with pytest.raises(ValidationError):
        app.credit_score = 800  # type: ignore[misc]
    assert isinstance(app, LoanApplication)
