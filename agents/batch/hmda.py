"""A public HMDA loan application register row as a LoanGraph application, plus its monitoring data.

The stated assumptions live in seed_data/hmda/mapping.json. What HMDA does not carry is filled in
the same way for every row and never from race, sex, ethnicity or age; those fields and HMDA's own
outcome go to the monitoring side, which the pipeline never sees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.input_types import number_from_text, number_size_problem
from core.settings import PROJECT_ROOT
from policy.formulas import monthly_principal_interest

MAPPING_PATH = PROJECT_ROOT / "seed_data" / "hmda" / "mapping.json"
HMDA_COLUMNS = frozenset(
    {
        "approved",
        "loan_amount",
        "income",
        "debt_to_income_ratio",
        "loan_to_value_ratio",
        "loan_purpose",
        "applicant_race-1",
        "applicant_sex",
        "applicant_age",
        "property_value",
        "occupancy_type",
    }
)
CENT = Decimal("0.01")
MAX_ADJUSTED = 12  # a HMDA figure of 10^13 or more is junk: the arithmetic below must stay exact


@dataclass(frozen=True)
class HmdaRow:
    """The application fields (for validation) and the monitoring fields (kept beside the run)."""

    application: dict[str, Any]
    monitoring: dict[str, Any]


class Unmappable(ValueError):
    """The row lacks what an application needs; `field` names the HMDA column."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@lru_cache(maxsize=4)
def load_mapping(path: Path = MAPPING_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def is_hmda_header(columns: set[str]) -> bool:
    return {"applicant_race-1", "loan_to_value_ratio", "debt_to_income_ratio"} <= columns


def _number(row: dict[str, Any], column: str) -> Decimal | None:
    raw = row.get(column)
    if raw is None or str(raw).strip() in ("", "NA", "Exempt"):
        return None
    value = number_from_text(str(raw))
    if value is None:
        raise Unmappable(column, "is not a number (or has too many digits)")
    problem = number_size_problem(value) or ("is far too large" if value.adjusted() > MAX_ADJUSTED else None)
    if problem:
        raise Unmappable(column, problem)
    return value


def monitoring_of(row: dict[str, Any], mapping: dict[str, Any]) -> dict[str, Any]:
    race_code = str(row.get("applicant_race-1", "")).split(".")[0]
    race_group = race_code[:1] if race_code[:1] in ("2", "4") else race_code  # 21-27 Asian, 41-44 NHPI
    return {
        "race": mapping["race"].get(race_group, "Not provided"),
        "sex": mapping["sex"].get(str(row.get("applicant_sex", "")).split(".")[0], "Not provided"),
        "age": str(row.get("applicant_age", "") or "Not provided").replace("8888", "Not applicable"),
        "hmda_approved": str(row.get("approved", "")).strip() == "1",
    }


def application_id_of(file_key: str, row_number: int) -> str:
    """A row's application ID: stable for the same file and row, distinct across files. The public register
    carries no key of its own (no ULI), so the file's content hash names the file."""
    return f"HMDA-{file_key[:12]}-{row_number}"


def to_application(
    row: dict[str, Any], row_number: int, mapping: dict[str, Any] | None = None, *, file_key: str
) -> HmdaRow:
    """Map one HMDA row of the file whose content hash is `file_key`; raises `Unmappable` naming the column
    when the row cannot be an application."""
    mapping = mapping or load_mapping()
    a = mapping["assumptions"]
    purpose = mapping["loan_purpose"].get(str(row.get("loan_purpose", "")).strip())
    if purpose is None:
        raise Unmappable(
            "loan_purpose",
            "is not a purchase, refinance or cash-out refinance (home improvement "
            "and other purposes are not underwritten here)",
        )
    occupancy = mapping["occupancy_type"].get(str(row.get("occupancy_type", "")).strip())
    if occupancy is None:
        raise Unmappable("occupancy_type", "is not 1, 2 or 3")
    loan = _number(row, "loan_amount")
    if loan is None or loan <= 0:
        raise Unmappable("loan_amount", "is missing")
    value = _number(row, "property_value") or _value_from_ltv(loan, _number(row, "loan_to_value_ratio"))
    income_k = _number(row, "income")
    if income_k is not None and income_k < 0:
        raise Unmappable("income", "is negative")
    monthly_income = ((income_k or Decimal(0)) * 1000 / 12).quantize(CENT, rounding=ROUND_HALF_UP)
    housing = _housing_payment(loan, value, a)
    debts = _other_debts(row, mapping, monthly_income, housing)
    application = {
        "application_id": application_id_of(file_key, row_number),
        "applicant_name": f"HMDA applicant {row_number}",
        "ssn": f"900-{row_number // 10000 % 100:02d}-{row_number % 10000:04d}",  # 9xx: never a real SSN
        "credit_score": a["credit_score"],
        "employment_status": a["employment_status"],
        "employment_years": a["employment_years"],
        "monthly_income": monthly_income,
        "monthly_debts": debts,
        "liquid_assets": _assets(loan, value, housing, purpose, a),
        "loan_type": "jumbo" if loan > Decimal(a["jumbo_above_loan_amount"]) else "conventional",
        "loan_purpose": purpose,
        "loan_amount": loan,
        "property_value": value,
        "interest_rate": Decimal(str(a["interest_rate"])),
        "term_months": a["term_months"],
        "apr": Decimal(str(a["interest_rate"])) + Decimal(str(a["apr_above_note_rate"])),
        "apor": Decimal(str(a["apor"])),
        "closing_costs": _pct(loan, a["closing_costs_pct_of_loan"]),
        "product": a["product"],
        "occupancy": occupancy,
        "property_units": a["property_units"],
        "property_state": a["property_state"],
        "annual_property_tax": _pct(value, a["annual_property_tax_pct_of_value"]),
        "annual_insurance": _pct(value, a["annual_insurance_pct_of_value"]),
        "points_and_fees": _pct(loan, a["points_and_fees_pct_of_loan"]),
    }
    return HmdaRow(application, monitoring_of(row, mapping))


def _value_from_ltv(loan: Decimal, ltv: Decimal | None) -> Decimal:
    if ltv is None or ltv <= 0:
        raise Unmappable("property_value", "is missing and there is no loan_to_value_ratio to derive it from")
    return (loan * 100 / ltv).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _pct(amount: Decimal, pct: float) -> Decimal:
    return (amount * Decimal(str(pct)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _housing_payment(loan: Decimal, value: Decimal, a: dict[str, Any]) -> Decimal:
    pi = monthly_principal_interest(loan, Decimal(str(a["interest_rate"])), a["term_months"])
    escrow = (_pct(value, a["annual_property_tax_pct_of_value"]) + _pct(value, a["annual_insurance_pct_of_value"])) / 12
    return (pi + escrow).quantize(CENT, rounding=ROUND_HALF_UP)


def _other_debts(row: dict[str, Any], mapping: dict[str, Any], income: Decimal, housing: Decimal) -> Decimal:
    """HMDA's DTI is the back-end ratio: the non-housing debts are what it leaves after the payment."""
    band = str(row.get("debt_to_income_ratio", "") or "").strip()
    if band in ("", "NA", "Exempt") or income <= 0:
        return Decimal(0)
    midpoint = mapping["dti_band_midpoints"].get(band)
    pct = Decimal(str(midpoint)) if midpoint is not None else _number(row, "debt_to_income_ratio")
    return max(Decimal(0), (income * pct / 100 - housing).quantize(CENT, rounding=ROUND_HALF_UP))


def _assets(loan: Decimal, value: Decimal, housing: Decimal, purpose: str, a: dict[str, Any]) -> Decimal:
    """Enough to close (down payment on a purchase, closing costs) plus the assumed months of reserves."""
    down = max(Decimal(0), value - loan) if purpose == "purchase" else Decimal(0)
    closing = _pct(loan, a["closing_costs_pct_of_loan"])
    return (down + closing + housing * a["reserves_months_of_housing_payment"]).quantize(CENT)
