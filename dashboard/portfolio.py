"""The Portfolio page's services: store an uploaded batch file, run it with progress, and read results.

Batches run in the dashboard's own warm pipeline, one row after another (the CLI and Dask run
them in parallel); the file is kept under DATA_DIR/batches so a stopped batch can be resumed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st
from plotly.graph_objects import Figure
from sqlalchemy.orm import Session, sessionmaker

from agents.batch import store
from agents.batch.hmda import load_mapping
from agents.fairness import fairness_table
from agents.fairness_drivers import GroupDrivers, flagged_drivers, mapping_assumptions
from core.models import Batch
from core.settings import PROJECT_ROOT, get_settings

HMDA_SLICE = PROJECT_ROOT / "seed_data" / "hmda" / "hmda_2022_slice.csv"
ALLOWED_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".csv.gz", ".jsonl.gz", ".ndjson.gz")
# long group names ("Native Hawaiian or Other Pacific Islander") and screen verdicts are never cut off
FAIRNESS_COLUMNS = {
    "Group": st.column_config.TextColumn("Group", width="large"),
    "Engine four-fifths screen": st.column_config.TextColumn(
        "Engine four-fifths screen", width="medium", help="passes / below 4/5 / too few to compare"
    ),
    "HMDA four-fifths screen": st.column_config.TextColumn(
        "HMDA four-fifths screen", width="medium", help="the lenders' real outcomes, screened the same way"
    ),
}
DECISION_ORDER = ["APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE", "INCOMPLETE"]


def batches_dir() -> Path:
    path = get_settings().data_dir / "batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(name: str, data: bytes) -> Path:
    """Keep an uploaded file under its content hash (same file, same batch, resumable later)."""
    suffix = next((s for s in ALLOWED_SUFFIXES if name.lower().endswith(s)), None)
    if suffix is None:
        raise ValueError(f"{name}: upload a CSV or JSON Lines file (.csv, .jsonl, .ndjson, optionally .gz)")
    if not data:
        raise ValueError(f"{name}: the file is empty (0 bytes); nothing was stored")
    path = batches_dir() / f"{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return path


def discard_unused_upload(sessions: sessionmaker[Session], path: Path) -> bool:
    """Delete a stored upload that no batch was opened from (a file refused as a whole); True if deleted.
    The committed HMDA slice and files of real batches are never touched."""
    if path.parent != batches_dir() or not path.is_file():
        return False
    with sessions() as session:
        if session.get(Batch, store.batch_id_of(path)) is not None:
            return False
    path.unlink()
    return True


def file_for(batch: Batch) -> Path | None:
    """The stored file of a batch (uploads) or the committed HMDA slice, if it is still there."""
    candidates = list(batches_dir().glob(f"{batch.id}*"))
    if HMDA_SLICE.name == batch.file_name:
        candidates.append(HMDA_SLICE)
    return next((p for p in candidates if p.is_file() and store.batch_id_of(p) == batch.id), None)


def resumable_file(sessions: sessionmaker[Session], batch_id: str) -> tuple[Path, int] | None:
    """(file, rows it covered) for a batch that can be resumed from this page."""
    with sessions() as session:
        batch = session.get(Batch, batch_id)
        path = file_for(batch) if batch is not None else None
        return (path, batch.total_rows) if path is not None else None


def run_file(
    path: Path,
    *,
    service: Any,
    sessions: sessionmaker[Session],
    limit: int | None,
    on_progress: Callable[[int, int], None],
    file_name: str | None = None,
) -> dict[str, Any]:
    """Plan and underwrite `path` in this process; `on_progress(done, total)` after each row.
    `file_name`: the name the officer uploaded it under (it is stored under its content hash)."""
    from agents.batch.engines import InlineEngine
    from agents.batch.runner import execute, plan_batch

    plan = plan_batch(path, sessions=sessions, limit=limit, file_name=file_name)
    total, done = len(plan.tasks), [0]

    def step(_outcome) -> None:
        done[0] += 1
        on_progress(done[0], total)

    on_progress(0, total)
    return execute(plan, InlineEngine(service), sessions=sessions, on_outcome=step)


def batches_frame(sessions: sessionmaker[Session]) -> pd.DataFrame:
    with sessions() as session:
        rows = store.list_batches(session=session)
        return pd.DataFrame(
            [
                {
                    "Batch": b.id,
                    "File": b.file_name,
                    "Source": b.source,
                    "Status": b.status,
                    "Rows": b.total_rows,
                    "Decided": b.summary.get("decided", 0) + b.summary.get("skipped", 0),
                    "Refused": len(b.refused),
                    "Updated": b.updated_at,
                }
                for b in rows
            ]
        )


def results_frame(sessions: sessionmaker[Session], batch_id: str) -> pd.DataFrame:
    with sessions() as session:
        return pd.DataFrame(store.batch_results(session=session, batch_id=batch_id))


def decision_mix_chart(results: pd.DataFrame) -> Figure:
    decided = results[results["status"] == "completed"]
    counts = decided.groupby(["program", "recommendation"]).size().reset_index(name="applications")
    return px.bar(
        counts,
        x="program",
        y="applications",
        color="recommendation",
        barmode="stack",
        category_orders={"recommendation": DECISION_ORDER},
        title="Decision mix by program",
    )


def ratio_chart(results: pd.DataFrame, column: str, label: str) -> Figure:
    decided = results[(results["status"] == "completed") & results[column].notna()]
    return px.box(
        decided,
        x="recommendation",
        y=column,
        points=False,
        labels={column: label},
        category_orders={"recommendation": DECISION_ORDER},
        title=f"{label} by decision",
    )


def fairness_min_group() -> int:
    """The smallest group the four-fifths screen compares (setting FAIRNESS_MIN_GROUP)."""
    return get_settings().fairness_min_group


def fairness_frame(results: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """One row per group; the four-fifths columns say in words whether a group passes, falls below, or is too
    small to compare (below `min_group` applications): never an unchecked box for a group not screened."""
    rows = fairness_table(results.to_dict("records"), min_group=min_group)
    return pd.DataFrame(
        [
            {
                "Attribute": r.attribute,
                "Group": r.group,
                "Applications": r.n,
                "Engine approval rate": r.engine_rate,
                "Engine AIR": r.engine_air,
                "Engine four-fifths screen": r.verdict(r.engine_flag, r.engine_air),
                "HMDA approval rate": r.hmda_rate,
                "HMDA AIR": r.hmda_air,
                "HMDA four-fifths screen": r.verdict(r.hmda_flag, r.hmda_air),
            }
            for r in rows
        ]
    )


def drivers(results: pd.DataFrame, min_group: int, source: str) -> list[GroupDrivers]:
    """For each group below four-fifths, its non-approvals' principal reasons beside the reference group's;
    for a HMDA batch, with the mapping assumptions that feed each reason."""
    records = results.to_dict("records")
    rows = fairness_table(records, min_group=min_group)
    return flagged_drivers(records, rows, mapping=load_mapping() if source == "hmda" else None)


def drivers_frame(found: GroupDrivers) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Principal reason": r.reason,
                f"Share of {found.group}'s non-approvals": r.group_share,
                f"Share of {found.reference}'s non-approvals": r.reference_share,
                "Mapping assumptions it reads": "; ".join(r.assumptions) or "-",
            }
            for r in found.reasons
        ]
    )


def render_drivers(results: pd.DataFrame, min_group: int, source: str) -> None:
    """What drives each flagged group, and (HMDA batches) every mapping assumption, named on the page."""
    found = drivers(results, min_group, source)
    if found:
        st.markdown(
            "**What drives each group below four-fifths** (its principal reasons beside the reference "
            "group's, the most favoured group the AIR divides by; a run may state several reasons, so "
            "shares can add up to more than 100%)"
        )
    for d in found:
        st.markdown(
            f"{d.attribute.capitalize()}: **{d.group}** ({d.group_not_approved} not approved) beside "
            f"**{d.reference}** ({d.reference_not_approved} not approved)"
        )
        st.dataframe(
            drivers_frame(d),
            hide_index=True,
            column_config={
                "Principal reason": st.column_config.TextColumn("Principal reason", width="large"),
                "Mapping assumptions it reads": st.column_config.TextColumn(
                    "Mapping assumptions it reads", width="large"
                ),
            },
        )
    if source == "hmda":
        st.markdown(
            "**HMDA mapping assumptions** (how a HMDA row becomes an application; the same for every row, "
            "none from race, sex, ethnicity or age):\n"
            + "\n".join(f"- {text}" for text in mapping_assumptions(load_mapping()).values())
        )
