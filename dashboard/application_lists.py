"""The Form 1003 part of the application form: editable liabilities and assets lists and the money,
pricing, county and VA fields. Pure conversions first (unit tested), Streamlit widgets last.

The data editors sit inside the application form; their key carries a version so that loading a
sample replaces their rows (Streamlit does not let code overwrite an editor's state).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, get_args

import pandas as pd
import streamlit as st

from core.application_items import AssetKind, CreditBureau, Donor, LiabilityKind

PREFIX = "na_m_"
VERSION = PREFIX + "version"
LIAB_COLUMNS = ("kind", "monthly_payment", "balance", "months_remaining", "deferred", "paid_off_at_closing", "creditor")
ASSET_COLUMNS = ("kind", "value", "vested_pct", "source", "donor")
LISTS = {"liabilities": LIAB_COLUMNS, "assets": ASSET_COLUMNS}
# (field, label, kind): "money"/"rate"/"int" optional numbers, "text", "bool", "choice"
SCALARS = (
    ("closing_costs", "Closing costs ($)", "money"),
    ("prepaid_items", "Prepaid items ($)", "money"),
    ("closing_credits", "Seller and lender credits ($)", "money"),
    ("upfront_fee_financed", "Upfront MIP / guarantee fee / VA funding fee financed", "bool"),
    ("va_subsequent_use", "VA benefit used before", "bool"),
    ("va_funding_fee_exempt", "VA funding fee exempt (per COE)", "bool"),
    ("apr", "APR (annual %)", "rate"),
    ("apor", "APOR on the rate-set date (%)", "rate"),
    ("prepaid_finance_charges", "Prepaid finance charges ($, Reg Z; gives the APR when none is stated)", "money"),
    ("county_fips", "County (5-digit FIPS)", "text"),
    ("household_size", "Household size (VA)", "int"),
    ("monthly_income_taxes", "Monthly income taxes ($, VA)", "money"),
    ("living_area_sqft", "Living area (sq ft, VA)", "int"),
    ("credit_report_date", "Credit report date (YYYY-MM-DD)", "text"),
    ("credit_score_source", "Credit score source", "choice"),
)
SCALAR_NAMES = tuple(name for name, _, _ in SCALARS)


def _base_key(name: str) -> str:
    return f"{PREFIX}{name}_base"


def editor_key(name: str, version: int) -> str:
    return f"{PREFIX}{name}_editor_{version}"


def form_1003_state(data: Mapping[str, Any], version: int) -> dict[str, Any]:
    """Widget values showing `data`'s Form 1003 fields; the editors restart under a new version."""
    state: dict[str, Any] = {VERSION: version + 1}
    for name, columns in LISTS.items():
        state[_base_key(name)] = [{c: row.get(c) for c in columns} for row in data.get(name, [])]
    for name, _, kind in SCALARS:
        value = data.get(name)
        state[PREFIX + name] = (
            bool(value)
            if kind == "bool"
            else ""
            if value is None and kind in ("text", "choice")
            else float(value)
            if value is not None and kind in ("money", "rate")
            else value
        )
    return state


def apply_editor_changes(
    rows: list[dict[str, Any]], changes: Mapping[str, Any] | None, columns: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The rows after a data editor's edits, additions and deletions (its session-state delta)."""
    changes = changes or {}
    out = [dict(row) for row in rows]
    for index, edits in (changes.get("edited_rows") or {}).items():
        if int(index) < len(out):
            out[int(index)].update(edits)
    out += [{c: row.get(c) for c in columns} for row in changes.get("added_rows") or []]
    deleted = {int(i) for i in changes.get("deleted_rows") or []}
    return [row for i, row in enumerate(out) if i not in deleted]


INT_COLUMNS = frozenset({"months_remaining"})


def _clean(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as the schema takes it: empty cells left out, floats as exact Decimals at the cent."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value == "" or (isinstance(value, float) and value != value):
            continue
        if key in INT_COLUMNS and isinstance(value, float) and value.is_integer():
            value = int(value)
        out[key] = Decimal(f"{value:.2f}") if isinstance(value, float) else value
    return out


def form_1003_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """The Form 1003 fields as `validate_application` takes them; an empty optional field is left out."""
    version = state.get(VERSION, 0)
    data: dict[str, Any] = {}
    for name, columns in LISTS.items():
        rows = apply_editor_changes(state.get(_base_key(name)) or [], state.get(editor_key(name, version)), columns)
        rows = [_clean(row) for row in rows]
        if any(rows):
            data[name] = [row for row in rows if row]
    for name, _, kind in SCALARS:
        value = state.get(PREFIX + name)
        if kind == "bool":
            data[name] = bool(value)
        elif value not in (None, ""):
            data[name] = (
                Decimal(f"{float(value):.3f}")
                if kind in ("money", "rate")
                else int(value)
                if kind == "int"
                else str(value).strip()
            )
    return data


def _column_config() -> dict[str, dict[str, Any]]:
    money = lambda label: st.column_config.NumberColumn(label, min_value=0.0, format="%.2f")  # noqa: E731
    return {
        "liabilities": {
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=get_args(LiabilityKind), required=True, width="medium"
            ),  # "alimony_child_support" uncut
            "monthly_payment": money("Monthly payment ($)"),
            "balance": money("Balance ($)"),
            "months_remaining": st.column_config.NumberColumn("Months left", step=1),
            "deferred": st.column_config.CheckboxColumn("Deferred / forbearance"),
            "paid_off_at_closing": st.column_config.CheckboxColumn("Paid off at closing"),
            "creditor": st.column_config.TextColumn("Creditor"),
        },
        "assets": {
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=get_args(AssetKind), required=True, width="medium"
            ),
            "value": money("Value ($)"),
            "vested_pct": st.column_config.NumberColumn("Vested %", min_value=0.0, max_value=100.0),
            "source": st.column_config.TextColumn("Institution / account"),
            "donor": st.column_config.SelectboxColumn("Gift donor", options=get_args(Donor), width="medium"),
        },
    }


# one source of truth per figure (core.schemas): the form says so where the lists are filled in
LIST_HINTS = {
    "liabilities": "Itemised here, the payments are the debts the DTI counts: leave *Monthly non-housing "
    "debts* at 0 (both together are refused, so nothing is counted twice).",
    "assets": "Itemised here, these are the funds counted: leave *Liquid assets* at 0 (both together are "
    "refused, so nothing is counted twice).",
}


ROW_NOUNS = {"liabilities": "Liability", "assets": "Asset"}


def error_label(name: str) -> str:
    """A list field's error path as the officer counts rows: 'liabilities.0.monthly_payment' -> 'Liability 1,
    monthly payment' (row numbers from 1, as the table shows them)."""
    parts = name.split(".")
    if parts[0] in ROW_NOUNS and len(parts) >= 2 and parts[1].isdigit():
        column = f", {parts[2].replace('_', ' ')}" if len(parts) > 2 else ""
        return f"{ROW_NOUNS[parts[0]]} {int(parts[1]) + 1}{column}"
    return name.replace("_", " ").capitalize()


def _errors_for(prefixes: tuple[str, ...], errors: Mapping[str, str]) -> None:
    for name, message in errors.items():
        if name.split(".")[0] in prefixes:
            st.caption(f":red[:material/error: {error_label(name)}: {message}]")


def form_1003_widgets(errors: Mapping[str, str]) -> None:
    """The liabilities and assets editors and the Form 1003 fields, inside the application form."""
    version = st.session_state.setdefault(VERSION, 0)
    config = _column_config()
    for name, title in (
        ("liabilities", "Liabilities (Form 1003 section 2c)"),
        ("assets", "Assets (Form 1003 section 2a-2b)"),
    ):
        st.markdown(f"**{title}**")
        st.caption(LIST_HINTS[name])
        rows = st.session_state.get(_base_key(name)) or []
        st.data_editor(
            pd.DataFrame(rows, columns=list(LISTS[name])),
            num_rows="dynamic",
            key=editor_key(name, version),
            column_config=config[name],
            column_order=LISTS[name],
            width="stretch",
        )
        _errors_for((name,), errors)
    st.markdown("**Funds to close, pricing, county and VA residual income**")
    cols = st.columns(3)
    for i, (name, label, kind) in enumerate(SCALARS):
        with cols[i % 3]:
            key = PREFIX + name
            if kind == "bool":
                st.checkbox(label, key=key)
            elif kind == "choice":
                st.selectbox(label, ("", *get_args(CreditBureau)), key=key, format_func=lambda v: v or "not stated")
            elif kind == "text":
                st.text_input(label, key=key)
            else:
                st.number_input(
                    label,
                    value=None,
                    min_value=0.0 if kind != "int" else None,
                    step=1 if kind == "int" else 0.125 if kind == "rate" else 100.0,
                    key=key,
                )
            _errors_for((name,), errors)
