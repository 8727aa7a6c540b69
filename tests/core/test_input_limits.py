"""Validation that cannot be fooled: strict types, finite and bounded numbers, clean text, JSON caps."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.errors import InvalidApplication
from core.input_types import BOUNDS
from core.json_input import MAX_BYTES, MAX_DEPTH, load_file, loads, text_depth
from core.schemas import application_facts, application_from_facts, validate_application
from tests.core.support import SSN, application

pytestmark = pytest.mark.unit


def refusal(**overrides) -> dict[str, str]:
    with pytest.raises(InvalidApplication) as info:
        validate_application(application(**overrides))
    return info.value.field_errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("monthly_income", "1e309", "must be a number, not text"),
        ("monthly_income", "8000", "must be a number, not text"),
        ("monthly_income", float("inf"), "must be a finite number"),
        ("monthly_income", Decimal("Infinity"), "must be a finite number"),
        ("monthly_income", Decimal("NaN"), "must be a finite number"),
        ("loan_amount", True, "must be a number, not true or false"),
        ("term_months", True, "must be a number, not true or false"),
        ("term_months", "360", "must be a number, not text"),
        ("credit_score", 700.5, "must be a whole number"),
        ("veteran", "true", "must be true or false"),
        ("veteran", 1, "must be true or false"),
        ("property_state", ["CA"], "must be a 2-letter USPS state code, e.g. CA"),
        ("property_state", {"a": 1}, "must be a 2-letter USPS state code, e.g. CA"),
        ("loan_amount", [1], "must be a number"),
        ("credit_key_factors", "Too many inquiries", "must be a list of text lines"),
    ],
)
def test_wrong_types_are_refused_by_name(field, value, message):
    assert refusal(**{field: value}) == {field: message}


def test_whole_numbers_written_with_a_point_are_accepted():
    assert validate_application(application(term_months=360.0, credit_score=Decimal("712"))).term_months == 360


@pytest.mark.parametrize("field", sorted(BOUNDS))
def test_every_bounded_field_refuses_just_above_its_ceiling(field):
    high = BOUNDS[field][1]
    over = high + 1 if field in ("credit_score", "term_months", "property_units") else high + Decimal("0.01")
    errors = refusal(**{field: over})
    assert list(errors) == [field]
    assert "must be" in errors[field] and str(high.to_integral()) in errors[field].replace(",", "")


@pytest.mark.parametrize("field", sorted(BOUNDS))
def test_every_ceiling_itself_is_accepted_or_refused_by_another_rule(field):
    high = BOUNDS[field][1]
    value = int(high) if field in ("credit_score", "term_months", "property_units") else high
    try:
        validate_application(application(**{field: value}))
    except InvalidApplication as exc:
        assert field not in exc.field_errors


def test_absurd_amounts_from_the_report_are_refused():
    for field in ("property_value", "liquid_assets", "subordinate_liens"):
        assert refusal(**{field: Decimal("1e15")}) == {field: "must be at most 1,000,000,000"}
    assert refusal(loan_amount=Decimal("1e12")) == {"loan_amount": "must be at most 100,000,000"}


@pytest.mark.parametrize(
    "name",
    [
        "Dana\x00Whitfield",
        "Dana\u200bWhitfield",
        "\u202eDana",
        "Dana\nWhitfield",
        "Dana\x07",
        "Dana\u2028W",
        "\u200b",
        "Dana\ud800",
    ],
)
def test_names_with_invisible_or_control_characters_are_refused(name):
    errors = refusal(applicant_name=name)
    assert list(errors) == ["applicant_name"]
    assert errors["applicant_name"] in (
        "must not contain control, zero-width or other invisible characters",
        "must be a single line",
    )


def test_key_factors_and_application_id_are_clean_text_too():
    assert list(refusal(credit_key_factors=["ok", "bad\x00"])) == ["credit_key_factors.1"]
    assert list(refusal(application_id="A\u200b1")) == ["application_id"]
    assert validate_application(application(applicant_name="José Núñez-O'Brien 李")).applicant_name


def test_refusals_never_echo_values_or_odd_keys():
    secret_key = "x" * 70 + SSN
    with pytest.raises(InvalidApplication) as info:
        validate_application(
            {**application(applicant_name="Zed\x00Secret", monthly_income="123456.78"), secret_key: 1, "ok\u200b": 2}
        )
    text = str(info.value)
    assert "Secret" not in text and "123456" not in text and SSN not in text and "\u200b" not in text
    assert "(unprintable field name)" in info.value.field_errors


def test_deep_nesting_is_refused_without_recursion():
    deep: object = "x"
    for _ in range(100_000):
        deep = [deep]
    errors = refusal(credit_key_factors=deep)
    assert errors == {"application": f"is nested more than {MAX_DEPTH} levels deep"}


def test_json_reader_caps_size_depth_and_constants(tmp_path):
    assert text_depth('{"a": "[[[[", "b": [{"c": 1}]}') == 3
    for text, needle in [
        ("[" * 50_000 + "]" * 50_000, "nested"),
        ('{"a": NaN}', "NaN"),
        ('{"a": Infinity}', "Infinity"),
        ('{"a": 1', "not valid JSON"),
    ]:
        with pytest.raises(InvalidApplication) as info:
            loads(text)
        assert needle in info.value.field_errors["application"]
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"applicant_name": "x" * MAX_BYTES}))
    with pytest.raises(InvalidApplication, match="larger than"):
        load_file(big)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"applicant_name": "Jos\xe9"}')
    with pytest.raises(InvalidApplication, match="not UTF-8"):
        load_file(latin)


def test_json_numbers_are_exact_and_1e309_is_refused_not_infinite():
    assert loads('{"a": 0.1}')["a"] == Decimal("0.1")
    data = {**application(), "monthly_income": loads("1e309")}
    assert refusal(**data) == {"monthly_income": "must be at most 10,000,000"}


def test_facts_round_trip_through_their_own_json():
    app = validate_application(application(monthly_hoa=Decimal("12.34")))
    assert application_from_facts(application_facts(app)).monthly_hoa == Decimal("12.34")
