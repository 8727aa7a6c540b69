"""Reusable input types for anything an applicant or officer types: strict, finite, bounded numbers
and clean text. `core.schemas` re-exports them; new application fields should use them too.

Every bound a field has is declared once in `BOUNDS` (README "Input limits" lists the same table).
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
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


def _strict_number(value: Any, info: ValidationInfo) -> Any:
    """Numbers only: no text, no true/false, nothing infinite or NaN."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "must be a number, not true or false")
    if isinstance(value, str):
        if info.context and info.context.get(TRUSTED_FACTS):
            return value
        raise PydanticCustomError("number_type", "must be a number, not text")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number_finite", "must be a finite number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise PydanticCustomError("number_finite", "must be a finite number")
    if not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError("number_type", "must be a number")
    return value


def _strict_int(value: Any, info: ValidationInfo) -> Any:
    """Whole numbers only: 360 or 360.0, never "360", true or 360.5."""
    value = _strict_number(value, info)
    if isinstance(value, str):
        return value
    if isinstance(value, (float, Decimal)):
        if value != int(value):
            raise PydanticCustomError("whole_number", "must be a whole number")
        return int(value)
    return value


def _clean_text(value: str) -> str:
    for ch in value:
        category = unicodedata.category(ch)
        # Cf: zero-width and bidi-override characters, which make two names look alike or hide text
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise PydanticCustomError(
                "text_characters", "must not contain control, zero-width or other invisible characters")
        if category in ("Zl", "Zp"):
            raise PydanticCustomError("text_characters", "must be a single line")
    return value


def bounded_number(low: Decimal | int, high: Decimal | int, *, low_exclusive: bool = False) -> Any:
    """A finite Decimal in [low, high] (or (low, high]); JSON numbers only."""
    field = Field(gt=low, le=high) if low_exclusive else Field(ge=low, le=high)
    return Annotated[Decimal, BeforeValidator(_strict_number), field]


def bounded_int(low: int, high: int) -> Any:
    """A whole number in [low, high]; never text or true/false."""
    return Annotated[int, BeforeValidator(_strict_int), Field(ge=low, le=high)]


def clean_text(max_length: int = MAX_TEXT, *, min_length: int = 0) -> Any:
    """Text without control, zero-width or other invisible characters (NUL included)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, strict=True), AfterValidator(_clean_text)]


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
