"""From a raw row to an application the pipeline may see, and the monitoring data it may not.

Protected characteristics (the HMDA / Form 1003 demographic section: sex, race, ethnicity, age,
marital status) and location proxies (ZIP) are split off here, stored beside the run for
fair-lending analysis, and never reach validation, agent state, prompts or retrieval.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from functools import lru_cache
from typing import Any

from core import json_input
from core.errors import InvalidApplication
from core.input_types import MAX_TEXT, Numeral, number_from_text, number_size_problem, text_problem
from core.schemas import LoanApplication, safe_field_name

# Column names that carry monitoring information, in our files and in HMDA's.
MONITORING_FIELDS = frozenset(
    {
        "sex",
        "race",
        "ethnicity",
        "age",
        "marital_status",
        "zip",
        "zip_code",
        "census_tract",
        "applicant_sex",
        "applicant_race-1",
        "applicant_ethnicity-1",
        "applicant_age",
        "monitoring",
    }
)

_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


def split_monitoring(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(application fields, monitoring fields): nothing protected stays on the application side."""
    monitoring: dict[str, Any] = {}
    application: dict[str, Any] = {}
    for key, value in data.items():
        if key == "monitoring" and isinstance(value, dict):
            monitoring.update(value)
        elif key in MONITORING_FIELDS:
            monitoring[key] = value
        else:
            application[key] = value
    return application, monitoring


def clean_monitoring(monitoring: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(JSON-safe monitoring fields, problems by field): short clean text, whole numbers, true/false or null.

    The monitoring side is stored as it came (PostgreSQL JSON): a NUL, a lone surrogate, a nested object
    or a giant number there is the row's refusal, not a failed insert that takes the batch down."""
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in monitoring.items():
        name = f"monitoring.{safe_field_name(key)}"
        problem = text_problem(key) if isinstance(key, str) else "must be a text field name"
        if problem is None:
            value, problem = _monitoring_value(value)
        if problem is not None:
            problems.setdefault(name, problem)
        else:
            clean[key] = value
    return clean, problems


def _monitoring_value(value: Any) -> tuple[Any, str | None]:
    if value is None or isinstance(value, bool):
        return value, None
    if isinstance(value, Numeral):
        return value, "has too many digits"
    if isinstance(value, int):
        return value, None if abs(value) < 10**15 else "has too many digits"
    if isinstance(value, Decimal):  # JSON stores no Decimal: kept as its exact text
        problem = number_size_problem(value) if value.is_finite() else "must be a finite number"
        return str(value), problem
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return value, f"must be at most {MAX_TEXT} characters"
        return value, text_problem(value)
    return value, "must be text, a number, true/false or null"


@lru_cache(maxsize=1)
def required_columns() -> frozenset[str]:
    """The application fields with no default: a CSV of applications must have these columns."""
    return frozenset(name for name, info in LoanApplication.model_fields.items() if info.is_required())


@lru_cache(maxsize=1)
def _field_kinds() -> dict[str, str]:
    """Each application field's scalar kind (int, decimal, bool, list, text), read from the schema."""
    kinds: dict[str, str] = {}
    for name, info in LoanApplication.model_fields.items():
        kinds[name] = _kind(info.annotation)
    return kinds


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind(inner[0]) if len(inner) == 1 else "text"
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin in (list, tuple):
        return "list"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation in (Decimal, float):
        return "decimal"
    return "text"


def coerce_csv(data: dict[str, str]) -> dict[str, Any]:
    """CSV cells are text: give each known field the type the schema expects, when the text is one.

    Text that is not a valid number, boolean or JSON list is passed on unchanged, so validation
    refuses it with the field's own message.
    """
    kinds = _field_kinds()
    return {key: _coerce(kinds.get(key, "text"), value) for key, value in data.items()}


def _coerce(kind: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind in ("int", "decimal"):  # the JSON reader's parser: sized before conversion; whole-ness checked by the field
        number = number_from_text(text)
        return value if number is None else number
    if kind == "bool" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if kind == "list":
        if text.startswith("["):
            try:
                return json_input.loads(text)  # the application reader's caps and number sizes
            except InvalidApplication:
                return value
        return [part.strip() for part in text.split(";") if part.strip()]
    return value
