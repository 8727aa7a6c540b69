"""Numbers are sized before anything converts them (issue 22, points 1 and 2): giant exponents, thousands of
digits and values finer than any column are refused by field, at once, on the JSON and batch paths alike."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.batch.rows import coerce_csv
from core.errors import InvalidApplication
from core.input_types import MAX_DIGITS, number_from_text
from core.json_input import loads
from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from tests.core.support import application

pytestmark = pytest.mark.unit

WHOLE_NUMBER_FIELDS = ("credit_score", "term_months", "property_units", "household_size", "living_area_sqft")
TOO_MANY_DIGITS = f"has too many digits (at most {MAX_DIGITS})"


def refusal(data: dict) -> dict[str, str]:
    with pytest.raises(InvalidApplication) as info:
        validate_application(data)
    return info.value.field_errors


def test_giant_exponents_in_whole_number_fields_are_refused_without_converting():
    # in a child process with a deadline: before the fix int(Decimal("1E+9999999")) ran for minutes
    code = (
        "from core.json_input import loads; from core.schemas import validate_application\n"
        "from core.errors import InvalidApplication\nfrom tests.core.support import application\n"
        f"for field in {WHOLE_NUMBER_FIELDS!r} + ('liabilities',):\n"
        "    value = loads('1e9999999')\n"
        "    data = application(**{field: value}) if field != 'liabilities' else application(liabilities=[\n"
        "        {'kind': 'installment', 'monthly_payment': 10, 'balance': 100, 'months_remaining': value}])\n"
        "    try:\n        validate_application(data)\n    except InvalidApplication as exc:\n"
        "        print(sorted(exc.field_errors))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:-1] == [f"['{f}']" for f in WHOLE_NUMBER_FIELDS] + [
        "['liabilities.0.months_remaining']"
    ]


@pytest.mark.parametrize("field", WHOLE_NUMBER_FIELDS + ("loan_amount", "monthly_income"))
def test_a_5000_digit_json_number_is_that_fields_refusal_not_the_files(field):
    data = loads('{"x": ' + "7" * 5000 + ', "y": 1.' + "5" * 5000 + "}")
    assert refusal(application(**{field: data["x"]})) == {field: TOO_MANY_DIGITS}
    assert refusal(application(**{field: data["y"]})) == {field: TOO_MANY_DIGITS}


def test_a_giant_number_in_a_text_field_is_not_read_as_text():
    assert refusal(application(applicant_name=loads("9" * 5000))) == {"applicant_name": "must be text, not a number"}


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("loan_amount", "1e-999999", "has more than 12 decimal places"),
        ("monthly_income", "1e-13", "has more than 12 decimal places"),
        ("loan_amount", "0.001", "must be at least 0.01 (it rounds to 0)"),
        ("property_value", "0.004", "must be at least 0.01 (it rounds to 0)"),
        ("term_months", "1e-999999", "has more than 12 decimal places"),
        ("loan_amount", "1e99999999999999999999999999999", TOO_MANY_DIGITS),
    ],
)
def test_values_finer_than_any_column_or_rounding_to_zero_are_refused(field, text, message):
    assert refusal(application(**{field: loads(text)})) == {field: message}


def test_zero_with_a_giant_exponent_is_plain_zero_and_ordinary_numbers_pass():
    app = validate_application(
        application(
            monthly_hoa=loads("0e-9999999"),
            loan_amount=loads("250000.50"),
            term_months=loads("360.0"),
            interest_rate=loads("6.125"),
        )
    )
    assert app.monthly_hoa == 0 and app.monthly_hoa.as_tuple().exponent == 0
    assert (app.loan_amount, app.term_months, app.interest_rate) == (Decimal("250000.50"), 360, Decimal("6.125"))


def test_batch_cells_use_the_same_sized_parser():
    assert number_from_text(" 360 ") == Decimal(360) and number_from_text("7" * 5000) is None
    assert number_from_text("1e" + "9" * 40) is None and number_from_text("12abc") is None
    cells = coerce_csv({"credit_score": "7" * 5000, "term_months": "1e9999999", "loan_amount": "1e-999999"})
    errors = refusal(application(**cells))
    assert errors == {
        "credit_score": TOO_MANY_DIGITS,
        "term_months": "must be between 1 and 480",
        "loan_amount": "has more than 12 decimal places",
    }


@pytest.mark.parametrize("written", ["٩٠٠-١١-٠٠٠١", "９００-１１-０００１", "९००११०००१", "900-11-0001"])
def test_an_ssn_in_any_unicode_digits_is_the_same_ssn_and_the_same_hash(written):
    from core.pii import ssn_hash

    app = validate_application(application(ssn=written))
    assert app.ssn.get_secret_value() == "900-11-0001" and app.ssn_masked == "***-**-0001"
    assert ssn_hash(app.ssn.get_secret_value(), b"k" * 32) == ssn_hash("900-11-0001", b"k" * 32)


def test_duplicate_json_keys_are_refused_not_last_wins():
    with pytest.raises(InvalidApplication) as info:
        loads('{"loan_amount": 100000, "monitoring": {"race": "A", "race": "B"}, "loan_amount": 9}')
    assert info.value.field_errors == {
        "application": "is not valid JSON (the field race appears more than once in "
        "one object; JSON allows one value per field)"
    }
    with pytest.raises(InvalidApplication, match="unprintable field name"):
        loads('{"a\\u0000": 1, "a\\u0000": 2}')


_NUMERALS = st.builds(
    lambda sign, whole, frac, exp: (
        f"{sign}{whole}{'.' + frac if frac else ''}{'e' + str(exp) if exp is not None else ''}"
    ),
    st.sampled_from(["", "-", "+"]),
    st.integers(0, 10**80).map(str),
    st.text("0123456789", max_size=40),
    st.none() | st.integers(-(10**8), 10**8),
)


@given(
    numeral=_NUMERALS,
    field=st.sampled_from(WHOLE_NUMBER_FIELDS + ("loan_amount", "monthly_hoa", "interest_rate")),
    as_csv=st.booleans(),
)
def test_any_numeral_is_accepted_within_bounds_or_refused_by_its_field(numeral, field, as_csv):
    value = coerce_csv({field: numeral})[field] if as_csv else loads(numeral.lstrip("+"))
    try:
        app = validate_application(application(**{field: value}))
    except InvalidApplication as exc:
        assert list(exc.field_errors) == [field]
        return
    stored = Decimal(getattr(app, field))
    assert stored.as_tuple().exponent >= -12 and abs(stored) <= 100_000_000
