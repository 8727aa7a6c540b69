"""Reusable input types for anything an applicant or officer types: strict, finite, bounded numbers
and clean text. `core.schemas` re-exports them; new application fields should use them too.

Every bound a field has is declared once in `BOUNDS` (docs/security.md "Input limits" lists the same table).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

# A validation context flag: the value comes from our own `model_dump(mode="json")` (Decimals
# written as strings), not from a user, so numeric text is accepted back.
TRUSTED_FACTS = "trusted_facts"

# The largest amount any money field takes: $1 billion. applications.loan_amount is Numeric(14, 2)
# (up to 999,999,999,999.99), so everything validation lets through fits the database.
MAX_AMOUNT = Decimal(1_000_000_000)

# (low, high, low_exclusive). Realistic ceilings for a residential (1-4 unit) mortgage file: a
# value above one is a typo or an attack, and refusing it is safer than deciding on it.
BOUNDS: dict[str, tuple[Decimal, Decimal, bool]] = {
    "credit_score": (Decimal(300), Decimal(850), False),
    "term_months": (Decimal(1), Decimal(480), False),
    "interest_rate": (Decimal(0), Decimal(25), False),  # annual %
    "property_units": (Decimal(1), Decimal(4), False),
    "employment_years": (Decimal(0), Decimal(70), False),
    "monthly_income": (Decimal(0), Decimal(10_000_000), False),
    "monthly_debts": (Decimal(0), Decimal(10_000_000), False),
    "liquid_assets": (Decimal(0), MAX_AMOUNT, False),
    "loan_amount": (Decimal(0), Decimal(100_000_000), True),
    "property_value": (Decimal(0), MAX_AMOUNT, True),
    "annual_property_tax": (Decimal(0), Decimal(100_000_000), False),
    "annual_insurance": (Decimal(0), Decimal(10_000_000), False),
    "monthly_hoa": (Decimal(0), Decimal(1_000_000), False),
    "points_and_fees": (Decimal(0), Decimal(10_000_000), False),
    "subordinate_liens": (Decimal(0), MAX_AMOUNT, False),
    "household_income_pct_ami": (Decimal(0), Decimal(1_000), False),  # % of area median income
}

MAX_TEXT = 200  # characters in a name or a key-factor line

# Every number is sized before anything converts it: Decimal("1E+9999999") compares at once, but
# int() of it (or a database column holding 1E-999999) runs for minutes or fails. No real field
# needs more than 30 significant digits or 12 decimal places.
MAX_DIGITS = 30
MAX_SCALE = 12
MAX_NUMBER_TEXT = 64  # characters in a number written as text (a CSV cell, a JSON integer)
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
CENT = Decimal("0.01")


def number_size_problem(value: Decimal) -> str | None:
    """Why a finite Decimal is too long or too fine to be a field's value, or None (no conversion)."""
    sign, digits, exponent = value.as_tuple()
    if len(digits) > MAX_DIGITS:
        return f"has too many digits (at most {MAX_DIGITS})"
    if not any(digits):
        return None
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if isinstance(exponent, int) and exponent + trailing < -MAX_SCALE:
        return f"has more than {MAX_SCALE} decimal places"
    return None


class Numeral(str):
    """A JSON number too long to convert, kept as its text: number fields refuse it by name."""


def number_from_text(text: str) -> Decimal | None:
    """The Decimal a short numeral spells ("360", "-1.5e3"), or None; length and form checked first.

    JSON numbers (core.json_input) and batch cells (agents.batch.rows, agents.batch.hmda) use it."""
    text = text.strip()
    if len(text) > MAX_NUMBER_TEXT or not _NUMBER_TEXT.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent beyond Decimal's own limits
        return None


def _unconvertible_numeral(text: str) -> bool:
    """A numeral (of any length, matched in linear time) that number_from_text will not convert."""
    return _NUMBER_TEXT.fullmatch(text.strip()) is not None and number_from_text(text) is None


def _strict_number(value: Any, info: ValidationInfo) -> Any:
    """Numbers only: no text, no true/false, nothing infinite or NaN."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "must be a number, not true or false")
    if isinstance(value, Numeral):
        raise PydanticCustomError("number_size", "has too many digits (at most {limit})", {"limit": MAX_DIGITS})
    if isinstance(value, str):
        if info.context and info.context.get(TRUSTED_FACTS):
            return value
        if _unconvertible_numeral(value):
            raise PydanticCustomError("number_size", "has too many digits (at most {limit})", {"limit": MAX_DIGITS})
        raise PydanticCustomError("number_type", "must be a number, not text")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number_finite", "must be a finite number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise PydanticCustomError("number_finite", "must be a finite number")
    if isinstance(value, int) and value.bit_length() > 100:  # ~30 digits; never str() it
        raise PydanticCustomError("number_size", "has too many digits (at most {limit})", {"limit": MAX_DIGITS})
    if not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError("number_type", "must be a number")
    if isinstance(value, (float, Decimal)):
        problem = number_size_problem(value if isinstance(value, Decimal) else Decimal(repr(value)))
        if problem:
            raise PydanticCustomError("number_size", problem)
        if value == 0:
            return type(value)(0)  # 0E-9999999 is zero; never store its exponent
    return value


def _strict_int_between(low: int, high: int) -> Any:
    """Whole numbers only: 360 or 360.0, never "360", true or 360.5. Out of range is clamped to just
    outside it before any int() (Field(ge, le) then names the range), so 1E+9999999 costs nothing."""

    def check(value: Any, info: ValidationInfo) -> Any:
        value = _strict_number(value, info)
        if isinstance(value, str):
            return value
        if value > high:
            return high + 1
        if value < low:
            return low - 1
        if isinstance(value, (float, Decimal)):
            if value != int(value):
                raise PydanticCustomError("whole_number", "must be a whole number")
            return int(value)
        return value

    return check


def _at_least_a_cent(value: Decimal) -> Decimal:
    """A positive amount must survive rounding to cents (the column's precision), not become $0.00."""
    if value.quantize(CENT) <= 0:
        raise PydanticCustomError("number_rounds_to_zero", "must be at least 0.01 (it rounds to 0)")
    return value


def _not_numeral(value: Any) -> Any:
    if isinstance(value, Numeral):  # a JSON number too long to convert: still a number, not text
        raise PydanticCustomError("number_type", "must be text, not a number")
    return value


def text_problem(value: str) -> str | None:
    """Why `value` is not one clean line of text (NUL, lone surrogates, bidi overrides...), or None."""
    for ch in value:
        category = unicodedata.category(ch)
        # Cf: zero-width and bidi-override characters, which make two names look alike or hide text
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return "must not contain control, zero-width or other invisible characters"
        if category in ("Zl", "Zp"):
            return "must be a single line"
    return None


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError("text_characters", problem)
    return value


def bounded_number(low: Decimal | int, high: Decimal | int, *, low_exclusive: bool = False) -> Any:
    """A finite Decimal in [low, high] (or (low, high]); JSON numbers only."""
    if low_exclusive:
        return Annotated[
            Decimal, BeforeValidator(_strict_number), Field(le=high, gt=low), AfterValidator(_at_least_a_cent)
        ]
    return Annotated[Decimal, BeforeValidator(_strict_number), Field(le=high, ge=low)]


def bounded_int(low: int, high: int) -> Any:
    """A whole number in [low, high]; never text or true/false."""
    return Annotated[int, BeforeValidator(_strict_int_between(low, high)), Field(ge=low, le=high)]


def clean_text(max_length: int = MAX_TEXT, *, min_length: int = 0) -> Any:
    """Text without control, zero-width or other invisible characters (NUL included)."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, strict=True),
        BeforeValidator(_not_numeral),
        AfterValidator(_clean_text),
    ]


def bounded(name: str) -> Any:
    """The bounded type of a field named in BOUNDS."""
    low, high, exclusive = BOUNDS[name]
    if name in ("credit_score", "term_months", "property_units"):
        return bounded_int(int(low), int(high))
    return bounded_number(low, high, low_exclusive=exclusive)


# Shared types for new fields (issue 9's liabilities, assets, APR...): money never negative and at
# most MAX_AMOUNT, a percentage 0-100, a clean single line of text.
Money = bounded_number(0, MAX_AMOUNT)
PositiveMoney = bounded_number(0, MAX_AMOUNT, low_exclusive=True)
Percent = bounded_number(0, 100)
Text = clean_text()
NonEmptyText = clean_text(min_length=1)
StrictBool = Annotated[bool, Field(strict=True)]
