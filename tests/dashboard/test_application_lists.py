"""The Form 1003 part of the form, pure: sample -> widget state -> application, and editor deltas."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.schemas import validate_application
from dashboard.application_fields import application_from_state, state_from_application
from dashboard.application_lists import (
    ASSET_COLUMNS,
    LIAB_COLUMNS,
    apply_editor_changes,
    editor_key,
    form_1003_state,
    form_1003_values,
)
from tests.agents.conftest import SAMPLES

pytestmark = pytest.mark.unit


def test_editor_changes_edit_add_and_delete_rows():
    rows = [{"kind": "revolving", "monthly_payment": 50.0}, {"kind": "installment", "monthly_payment": 300.0}]
    changes = {
        "edited_rows": {0: {"monthly_payment": 75.0}},
        "added_rows": [{"kind": "lease", "monthly_payment": 410.0}],
        "deleted_rows": [1],
    }
    out = apply_editor_changes(rows, changes, LIAB_COLUMNS)
    assert [(r["kind"], r["monthly_payment"]) for r in out] == [("revolving", 75.0), ("lease", 410.0)]
    assert rows[0]["monthly_payment"] == 50.0  # the base rows are not changed in place


@pytest.mark.parametrize(
    "path",
    [p for p in SAMPLES if "liabilities" in p.read_text() or 'assets"' in p.read_text()][:6],
    ids=lambda p: p.stem,
)
def test_a_sample_with_lists_round_trips_through_the_form(path):
    data = {k: v for k, v in json.loads(path.read_text())["application"].items() if k != "application_id"}
    state = {**state_from_application(data), **form_1003_state(data, 0)}
    rebuilt = {**application_from_state(state), **form_1003_values(state)}
    assert validate_application(rebuilt) == validate_application(data)


def test_rows_typed_into_the_editor_become_a_valid_application():
    data = {**json.loads(SAMPLES[0].read_text())["application"], "monthly_debts": 0, "liquid_assets": 0}
    state = {**state_from_application(data), **form_1003_state(data, 0)}
    state[editor_key("liabilities", 1)] = {
        "added_rows": [{"kind": "installment", "monthly_payment": 250.5, "balance": 2000.0, "months_remaining": 8.0}]
    }
    state[editor_key("assets", 1)] = {
        "added_rows": [
            {"kind": "gift", "value": 5000.0, "donor": "relative"},
            {"kind": "stocks", "value": 1000.0, "vested_pct": float("nan")},
        ]
    }
    app = validate_application({**application_from_state(state), **form_1003_values(state)})
    assert app.liabilities[0].months_remaining == 8 and app.liabilities[0].monthly_payment == Decimal("250.50")
    assert [a.kind for a in app.assets] == ["gift", "stocks"] and app.assets[1].vested_pct == 100
    assert ASSET_COLUMNS[0] == "kind"


def test_empty_optional_fields_are_left_out():
    values = form_1003_values(form_1003_state({}, 0))
    assert values == {"upfront_fee_financed": False, "va_subsequent_use": False, "va_funding_fee_exempt": False}


def test_list_errors_name_the_row_as_the_officer_counts_it():
    """Bug: form errors on list rows showed raw zero-based paths, "liabilities.0.monthly_payment must be at most
    100,000" (issue 21, point 11)."""
    from dashboard.application_lists import error_label

    assert error_label("liabilities.0.monthly_payment") == "Liability 1, monthly payment"
    assert error_label("assets.2.vested_pct") == "Asset 3, vested pct"
    assert error_label("liabilities") == "Liabilities"


def test_the_longest_kind_and_donor_fit_their_columns():
    """Issue 21 point 12: "Kind student_loa" was cut. A Streamlit column holds about 10 characters at its
    default width and about 20 at "medium"; every kind and donor the lists offer fits the width it is given."""
    from typing import get_args

    from core.application_items import AssetKind, Donor, LiabilityKind
    from dashboard.application_lists import _column_config

    chars = {"small": 8, None: 10, "medium": 22, "large": 40}
    config = _column_config()
    for table, column, options in (
        ("liabilities", "kind", LiabilityKind),
        ("assets", "kind", AssetKind),
        ("assets", "donor", Donor),
    ):
        width = config[table][column].get("width")
        longest = max(len(o) for o in get_args(options))
        assert longest <= chars[width], (table, column, width, longest)
