"""Published tables the policy refers to but does not contain (seed_data/reference, README there).

Each lookup returns the figure and the table's source line, so a finding can say where it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from core.application_items import REFERENCE_DIR


@dataclass(frozen=True)
class TableFigure:
    value: Decimal
    source: str  # the publication and version the figure comes from
    note: str = ""


@lru_cache(maxsize=8)
def _table(name: str) -> dict[str, Any]:
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))


def fha_county_limit(county_fips: str | None, units: int) -> tuple[TableFigure | None, Decimal]:
    """(the county's one-unit FHA limit if the table states it, the national floor).

    None when the table does not state the county's own figure (or the property has 2-4 units,
    whose limits are not carried): the loan is then safe only at or below the floor.
    """
    table = _table("fha_loan_limits_2026.json")
    floor = Decimal(table["floor"])
    source = f"{table['source']} (version {table['version']})"
    if units != 1 or county_fips is None:
        return None, floor
    listed = table["counties"].get(county_fips)
    if listed is not None:
        return TableFigure(Decimal(listed), source, "county listed at the ceiling"), floor
    return None, floor


def va_region(state: str) -> str | None:
    """VA's residual-income region of a USPS state code; None for a territory the table omits."""
    for region, states in _table("va_residual_income.json")["regions"].items():
        if state in states:
            return region
    return None


def va_residual_minimum(loan_amount: Decimal, household_size: int, region: str) -> TableFigure | None:
    """VA's minimum monthly residual income; None for a household larger than the table covers."""
    table = _table("va_residual_income.json")
    band = "at_or_above_split" if loan_amount >= Decimal(table["loan_amount_split"]) else "below_split"
    if household_size > table["extra_members_up_to"]:
        return None
    base_size = min(household_size, 5)
    value = Decimal(table["tables"][band][str(base_size)][region])
    value += Decimal(table["per_extra_member"][band]) * (household_size - base_size)
    source = f"{table['source']} ({table['version']})"
    return TableFigure(
        value,
        source,
        f"loan {'>=' if band == 'at_or_above_split' else '<'} "
        f"${Decimal(table['loan_amount_split']):,.0f}, family of {household_size}, {region}",
    )


def va_maintenance_per_sqft() -> TableFigure:
    table = _table("va_residual_income.json")
    return TableFigure(Decimal(table["maintenance_per_sqft"]), f"{table['source']} ({table['version']})")


@dataclass(frozen=True)
class StudentLoanMethod:
    pct_of_balance: Decimal
    divide_by_months: int
    source: str


def deferred_student_loan_method(program: str) -> StudentLoanMethod | None:
    """The program's method for a deferred student loan; None where the program states none."""
    method = _table("deferred_student_loans.json")["methods"].get(program)
    if method is None:
        return None
    return StudentLoanMethod(Decimal(method["pct_of_balance"]), int(method["divide_by_months"]), method["source"])
