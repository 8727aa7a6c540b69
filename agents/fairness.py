"""Fair-lending analysis of a portfolio: approval rate by group and the adverse impact ratio.

Computed with fairlearn's MetricFrame (selection rate and count per group). The adverse impact
ratio (AIR) divides each group's approval rate by the most favoured group's; below 0.80 is the
four-fifths flag regulators and the fair lending policy use as a first screen, not a finding of
discrimination. Our engine's rates sit beside the lenders' real HMDA outcomes for the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from fairlearn.metrics import MetricFrame, count, selection_rate

APPROVALS = ("APPROVE", "APPROVE_WITH_CONDITIONS")
FOUR_FIFTHS = 0.8  # the four-fifths rule (29 CFR 1607.4(D)), the screen the CFPB and agencies cite
MIN_GROUP = 30  # default of the FAIRNESS_MIN_GROUP setting: smaller groups are shown as too few to compare
NOT_A_GROUP = frozenset({"Not provided", "Not applicable", "Both selected", ""})
ATTRIBUTES = ("race", "sex", "age")


@dataclass(frozen=True)
class GroupRate:
    attribute: str
    group: str
    n: int
    engine_rate: float
    engine_air: float | None
    engine_flag: bool
    hmda_rate: float | None
    hmda_air: float | None
    hmda_flag: bool
    min_group: int = MIN_GROUP

    @property
    def screen(self) -> str:
        """Why this row is or is not screened: 'compared', 'too_few' (n below the minimum) or 'not_a_group'."""
        if self.group in NOT_A_GROUP:
            return "not_a_group"
        return "compared" if self.n >= self.min_group else "too_few"

    def verdict(self, flag: bool, air: float | None) -> str:
        """What the four-fifths screen says of this row, in words (never an unchecked box for 'not screened')."""
        if self.screen == "not_a_group":
            return "not a group (not compared)"
        if self.screen == "too_few":
            return f"too few to compare (n < {self.min_group})"
        if air is None:
            return "no rate to compare"
        return "below 4/5" if flag else "passes"


def fairness_table(
    results: Iterable[dict[str, Any]], *, attributes: tuple[str, ...] = ATTRIBUTES, min_group: int = MIN_GROUP
) -> list[GroupRate]:
    """One row per (attribute, group) over the decided runs in `results` (see agents.batch.store)."""
    frame = pd.DataFrame([r for r in results if r.get("status") == "completed"])
    rows: list[GroupRate] = []
    if frame.empty:
        return rows
    engine = frame["recommendation"].isin(APPROVALS).astype(int)
    hmda = frame["monitoring.hmda_approved"].astype(bool).astype(int) if "monitoring.hmda_approved" in frame else None
    for attribute in attributes:
        column = f"monitoring.{attribute}"
        if column not in frame:
            continue
        groups = frame[column].fillna("Not provided").astype(str)
        ours = _rates(engine, groups)
        theirs = _rates(hmda, groups) if hmda is not None else None
        ours_air, theirs_air = _air(ours, min_group), _air(theirs, min_group) if theirs is not None else {}
        for group, (n, rate) in sorted(ours.items()):
            rows.append(
                GroupRate(
                    attribute,
                    group,
                    n,
                    rate,
                    ours_air.get(group),
                    _flag(ours_air.get(group), n, min_group),
                    theirs[group][1] if theirs is not None else None,
                    theirs_air.get(group),
                    _flag(theirs_air.get(group), n, min_group),
                    min_group,
                )
            )
    return rows


def _rates(outcome: pd.Series, groups: pd.Series) -> dict[str, tuple[int, float]]:
    frame = MetricFrame(
        metrics={"n": count, "rate": selection_rate},
        y_true=outcome,
        y_pred=outcome,
        sensitive_features=groups.rename("group"),
    )
    by_group = frame.by_group
    return {str(g): (int(by_group.loc[g, "n"]), float(by_group.loc[g, "rate"])) for g in by_group.index}


def _air(rates: dict[str, tuple[int, float]], min_group: int) -> dict[str, float]:
    """Each group's rate over the most favoured real group's (large enough to compare)."""
    eligible = [rate for group, (n, rate) in rates.items() if n >= min_group and group not in NOT_A_GROUP]
    best = max(eligible, default=0.0)
    if best <= 0:
        return {}
    return {group: round(rate / best, 3) for group, (n, rate) in rates.items() if group not in NOT_A_GROUP}


def _flag(air: float | None, n: int, min_group: int) -> bool:
    return air is not None and n >= min_group and air < FOUR_FIFTHS


def as_records(rows: list[GroupRate]) -> list[dict[str, Any]]:
    return [
        {
            **row.__dict__,
            "screen": row.screen,
            "engine_screen": row.verdict(row.engine_flag, row.engine_air),
            "hmda_screen": row.verdict(row.hmda_flag, row.hmda_air),
        }
        for row in rows
    ]
