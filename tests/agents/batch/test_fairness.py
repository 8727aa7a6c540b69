"""Approval rates and adverse impact ratios by group, for the engine and for HMDA's real outcomes."""

from __future__ import annotations

import pytest

from agents.fairness import fairness_table

pytestmark = pytest.mark.unit


def _results(group: str, n: int, engine_approved: int, hmda_approved: int, attribute: str = "race"):
    return [
        {
            "status": "completed",
            "recommendation": "APPROVE" if i < engine_approved else "DECLINE",
            f"monitoring.{attribute}": group,
            "monitoring.hmda_approved": i < hmda_approved,
        }
        for i in range(n)
    ]


def test_air_is_against_the_most_favoured_group_with_the_four_fifths_flag():
    results = (
        _results("White", 100, 80, 90)
        + _results("Black or African American", 50, 30, 40)
        + _results("Asian", 40, 34, 30)
        + _results("Not provided", 20, 20, 20)
    )
    rows = {r.group: r for r in fairness_table(results)}
    # engine: White 0.80, Black 0.60, Asian 0.85 (most favoured); Not provided is never the reference
    assert rows["Asian"].engine_rate == pytest.approx(0.85) and rows["Asian"].engine_air == 1.0
    assert rows["Black or African American"].engine_air == pytest.approx(0.706, abs=1e-3)
    assert rows["Black or African American"].engine_flag and not rows["White"].engine_flag
    # HMDA: White 0.90 is most favoured; Black 0.80 -> 0.889, Asian 0.75 -> 0.833: no flag
    assert rows["White"].hmda_air == 1.0 and rows["Black or African American"].hmda_air == pytest.approx(
        0.889, abs=1e-3
    )
    assert not any(r.hmda_flag for r in rows.values())
    assert rows["Not provided"].engine_air is None and rows["Not provided"].n == 20


def test_small_groups_are_shown_but_never_flagged_or_used_as_reference():
    results = _results("White", 100, 60, 60) + _results("American Indian or Alaska Native", 5, 5, 1)
    rows = {r.group: r for r in fairness_table(results)}
    assert rows["White"].engine_air == 1.0  # the 5-person group at 100% is not the reference
    small = rows["American Indian or Alaska Native"]
    assert small.n == 5 and small.hmda_air == pytest.approx(0.333, abs=1e-3) and not small.hmda_flag


def test_refer_and_decline_count_as_not_approved_and_unfinished_runs_are_left_out():
    results = [
        {"status": "completed", "recommendation": rec, "monitoring.sex": "Female"}
        for rec in ("APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE")
    ]
    results.append({"status": "running", "recommendation": None, "monitoring.sex": "Female"})
    (row,) = fairness_table(results, attributes=("sex",))
    assert (row.n, row.engine_rate, row.hmda_rate) == (4, 0.5, None)


def test_a_group_below_the_minimum_says_too_few_to_compare_not_an_unchecked_box():
    """Bug: 15 applications at 6.7% approval, AIR 0.152, showed "Engine below 4/5" unchecked, which reads as
    "passes" (issue 21, point 6). The minimum is the FAIRNESS_MIN_GROUP setting."""
    import pandas as pd

    from agents.fairness import as_records
    from dashboard.portfolio import fairness_frame

    results = _results("White", 100, 44, 60) + _results("Black or African American", 15, 1, 9)
    frame = fairness_frame(pd.DataFrame(results), 30).set_index("Group")
    small, large = frame.loc["Black or African American"], frame.loc["White"]
    assert small["Engine AIR"] == pytest.approx(0.152, abs=1e-3)
    assert small["Engine four-fifths screen"] == small["HMDA four-fifths screen"] == "too few to compare (n < 30)"
    assert large["Engine four-fifths screen"] == "passes"
    assert (
        fairness_frame(pd.DataFrame(results), 10)
        .set_index("Group")
        .loc["Black or African American", "Engine four-fifths screen"]
        == "below 4/5"
    )
    record = {r["group"]: r for r in as_records(fairness_table(results, min_group=30))}["Black or African American"]
    assert record["engine_screen"] == "too few to compare (n < 30)" and record["screen"] == "too_few"
