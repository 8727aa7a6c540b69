"""Form 1003 line items carried by a loan application: liabilities, assets, and the county table.

Each item is a frozen pydantic model validated with the application, so a bad item is refused with
its own field path (for example `liabilities.0.balance`) and nothing is stored.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from core.input_types import StrictBool, bounded_int, bounded_number, clean_text
from core.settings import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "seed_data" / "reference"

LiabilityKind = Literal[
    "installment", "auto_loan", "lease", "revolving", "student_loan", "alimony_child_support", "other_mortgage", "other"
]
AssetKind = Literal["checking_savings", "retirement", "stocks", "gift", "other"]
# who gave a gift, in the words the program guides use for their donor lists
Donor = Literal[
    "relative",
    "domestic_partner",
    "fiance",
    "employer",
    "close_friend",
    "charity",
    "government",
    "seller",
    "real_estate_agent",
    "builder",
    "other_interested_party",
]
CreditBureau = Literal["equifax", "experian", "transunion", "tri_merge"]

# Realistic upper bounds for one consumer's figures (a bound, not a policy limit): they catch a
# misplaced decimal point or a pasted account number before any ratio is computed.
MAX_ITEM_PAYMENT = Decimal("100000")  # a month
MAX_ITEM_BALANCE = Decimal("50000000")
MAX_ASSET_VALUE = Decimal("100000000")
MAX_MONTHS_REMAINING = 480

# strict like every applicant number (core.input_types): JSON numbers only, finite, bounded
Payment = bounded_number(0, MAX_ITEM_PAYMENT)
Balance = bounded_number(0, MAX_ITEM_BALANCE)


class Liability(BaseModel):
    """One debt as the 1003 lists it. `months_remaining` None: open-ended (revolving, support)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: LiabilityKind
    monthly_payment: Payment = Decimal(0)
    balance: Balance = Decimal(0)
    months_remaining: bounded_int(0, MAX_MONTHS_REMAINING) | None = None
    deferred: StrictBool = False  # deferred or in forbearance
    paid_off_at_closing: StrictBool = False
    creditor: clean_text(120) = ""


class Asset(BaseModel):
    """One asset as the 1003 lists it; `vested_pct` is the vested share (100 for most accounts)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: AssetKind
    value: bounded_number(0, MAX_ASSET_VALUE)
    vested_pct: bounded_number(0, 100) = Decimal(100)
    source: clean_text(120) = ""  # institution or account description
    donor: Donor | None = Field(None, validate_default=True)

    @field_validator("donor")
    @classmethod
    def _gift_needs_donor(cls, value: Any, info: ValidationInfo) -> Any:
        kind = info.data.get("kind")
        if kind == "gift" and value is None:
            raise ValueError("is required for a gift: who gave it (relative, employer, ...)")
        if kind is not None and kind != "gift" and value is not None:
            raise ValueError("applies to a gift only")
        return value


@lru_cache(maxsize=1)
def county_states() -> dict[str, str]:
    """5-digit county FIPS code -> USPS state code, from the shipped Census county list."""
    with (REFERENCE_DIR / "counties_2020.csv").open(encoding="utf-8") as handle:
        return {row["fips"]: row["state"] for row in csv.DictReader(handle)}


def check_county(value: Any, state: str | None) -> str:
    """The county FIPS code, or ValueError: unknown code, or a county of another state."""
    code = value.strip() if isinstance(value, str) else value
    if not isinstance(code, str) or code not in county_states():
        raise ValueError("is not a known county: give its 5-digit FIPS code, e.g. 06037")
    if state is not None and county_states()[code] != state:
        raise ValueError(f"is a county of {county_states()[code]}, not of the property state {state}")
    return code
