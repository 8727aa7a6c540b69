"""The application form's fields, defaults and sample files, and conversion between widget state and data.

Pure (no Streamlit), so the round trip sample -> widgets -> application is unit tested.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

from core.schemas import EmploymentStatus, LoanPurpose, LoanType, Occupancy, Product
from core.settings import PROJECT_ROOT

SAMPLES_DIR = PROJECT_ROOT / "seed_data" / "applications"
KEY_PREFIX = "na_f_"
TRISTATE = ("not stated", "yes", "no")

Kind = Literal["text", "int", "decimal", "optional_decimal", "choice", "bool", "tristate", "lines"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Kind
    default: Any = None
    options: tuple[str, ...] = ()
    decimals: int = 2  # digits kept when a number input's float becomes an exact Decimal
    step: float = 1.0
    help: str | None = None
    placeholder: str | None = None  # shown in an empty field: blank means blank, never a believable figure

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.name


def _money(
    name: str, label: str, example: str, step: float = 100.0, help: str | None = None, default: float | None = None
) -> FormField:
    """An amount in dollars; empty on a blank form unless it has a true default (0 for optional costs)."""
    return FormField(name, label, "decimal", default, step=step, help=help, placeholder=f"e.g. {example}")


SECTIONS: tuple[tuple[str, tuple[FormField, ...]], ...] = (
    (
        "Applicant",
        (
            FormField("applicant_name", "Applicant name", "text", ""),
            FormField("ssn", "SSN", "text", "", help="###-##-#### or 9 digits; stored only masked and hashed"),
            FormField("credit_score", "Credit score", "int", None, placeholder="300 to 850"),
            FormField("employment_status", "Employment status", "choice", "employed", get_args(EmploymentStatus)),
            FormField(
                "employment_years", "Years of employment", "decimal", None, decimals=2, step=0.5, placeholder="e.g. 4.5"
            ),
            FormField(
                "credit_key_factors",
                "Credit bureau key factors",
                "lines",
                "",
                help="One per line (at most 4), in the bureau's wording; needed to decline on credit score",
            ),
        ),
    ),
    (
        "Income, debts and assets",
        (
            _money("monthly_income", "Gross monthly income ($)", "8,500"),
            _money(
                "monthly_debts",
                "Monthly non-housing debts ($)",
                "450",
                step=50.0,
                help="One figure for all debts; 0 when the liabilities are itemised below (then they are the debts)",
            ),
            _money(
                "liquid_assets",
                "Liquid assets ($)",
                "40,000",
                step=1000.0,
                help="One figure for all funds; 0 when the assets are itemised below (then they are the funds)",
            ),
        ),
    ),
    (
        "Loan",
        (
            FormField("loan_type", "Loan program", "choice", "conventional", get_args(LoanType)),
            FormField("loan_purpose", "Loan purpose", "choice", "purchase", get_args(LoanPurpose)),
            FormField("product", "Product", "choice", "fixed", get_args(Product)),
            _money("loan_amount", "Loan amount ($)", "300,000", step=1000.0),
            FormField(
                "interest_rate",
                "Interest rate (annual %)",
                "decimal",
                None,
                decimals=3,
                step=0.125,
                placeholder="e.g. 6.5",
            ),
            FormField("term_months", "Term (months)", "int", None, placeholder="e.g. 360"),
            _money("points_and_fees", "Points and fees ($)", "0", default=0.0),
            _money("subordinate_liens", "Subordinate liens staying in place ($)", "0", step=1000.0, default=0.0),
        ),
    ),
    (
        "Property",
        (
            _money("property_value", "Property value ($)", "375,000", step=1000.0),
            FormField("occupancy", "Occupancy", "choice", "primary", get_args(Occupancy)),
            FormField("property_units", "Units", "int", None, placeholder="1 to 4"),
            FormField("property_state", "State", "text", "", help="2-letter USPS code", placeholder="e.g. OH"),
            _money("annual_property_tax", "Annual property tax ($)", "4,800"),
            _money("annual_insurance", "Annual homeowner's insurance ($)", "1,500"),
            _money("monthly_hoa", "Monthly HOA dues ($)", "0", step=25.0, default=0.0),
        ),
    ),
    (
        "Program eligibility",
        (
            FormField("first_time_buyer", "First-time homebuyer", "bool", False),
            FormField("veteran", "Veteran", "bool", False),
            FormField(
                "has_va_coe",
                "VA Certificate of Eligibility",
                "tristate",
                "not stated",
                help="Not stated: follows the veteran box",
            ),
            FormField("usda_eligible_area", "Property in a USDA-eligible rural area", "tristate", "not stated"),
            FormField(
                "household_income_pct_ami",
                "Household income, % of area median",
                "optional_decimal",
                None,
                step=1.0,
                help="USDA only; leave empty when not known",
            ),
            FormField(
                "application_id",
                "Application ID (optional)",
                "text",
                "",
                help="Your own file reference, optional. An ID belongs to one application: a second use is refused",
            ),
        ),
    ),
)

FIELDS: tuple[FormField, ...] = tuple(f for _, fields in SECTIONS for f in fields)
FIELD_BY_NAME = {f.name: f for f in FIELDS}


def default_state() -> dict[str, Any]:
    """Widget values for a blank form."""
    return {f.key: f.default for f in FIELDS}


def state_from_application(data: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values showing `data` (fields it leaves out take the form's defaults)."""
    state = default_state()
    for name, value in data.items():
        field = FIELD_BY_NAME.get(name)
        if field is not None:
            state[field.key] = _to_widget(field, value)
    return state


def _to_widget(field: FormField, value: Any) -> Any:
    if field.kind == "tristate":
        return TRISTATE[0] if value is None else ("yes" if value else "no")
    if field.kind == "lines":
        return "\n".join(value or ())
    if field.kind == "int":
        return None if value is None else int(value)
    if field.kind in ("decimal", "optional_decimal"):
        return None if value is None else float(value)
    if field.kind == "bool":
        return bool(value)
    return "" if value is None else str(value)


def application_from_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """The application as `validate_application` takes it; an empty optional field is left out."""
    data: dict[str, Any] = {}
    for field in FIELDS:
        value = _from_widget(field, state.get(field.key, field.default))
        if value is not None:
            data[field.name] = value
    return data


def _from_widget(field: FormField, value: Any) -> Any:
    if field.kind == "tristate":
        return {"yes": True, "no": False}.get(value)
    if field.kind == "lines":
        lines = [line.strip() for line in str(value or "").splitlines()]
        return [line for line in lines if line]
    if field.kind in ("decimal", "optional_decimal"):
        # the widget holds a float; its text at the field's precision is the exact amount typed
        return None if value is None else Decimal(f"{float(value):.{field.decimals}f}")
    if field.kind == "text":
        text = str(value or "").strip()
        return text or (None if field.name == "application_id" else "")
    return value


@dataclass(frozen=True)
class Sample:
    stem: str
    title: str
    expected: str
    application: dict[str, Any]


def list_samples(folder: Path = SAMPLES_DIR) -> list[Sample]:
    """The sample applications shipped in seed_data, by file name."""
    return [load_sample(path.stem, folder) for path in sorted(folder.glob("*.json"))]


def load_sample(stem: str, folder: Path = SAMPLES_DIR) -> Sample:
    """One sample file; its application ID is dropped so each submission gets a fresh one."""
    raw = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    application = {k: v for k, v in raw["application"].items() if k != "application_id"}
    return Sample(stem, raw.get("title", stem), raw.get("expected", {}).get("decision", ""), application)
