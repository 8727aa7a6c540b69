"""The Decisions page's table: the work-queue view, money and age columns, and a row click that opens the run.

The "Open a run" select box (key `OPEN`) is the one source of truth for the run shown; clicking a table
row sets it, and so do other pages through `selected_run_id`, and the address (`?run=`) after a reload.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from agents.runs import RunRow
from core.errors import LoanGraphError
from dashboard import explorer, run_links
from dashboard.run_tables import RunPage, runs_frame

AWAITING, ALL_RUNS = "Awaiting officer decision", "All runs"
VIEWS = (AWAITING, ALL_RUNS)
OPEN = "dec_open"
TABLE = "dec_table"
SHOWN = "dec_shown"  # how many rows the table lists (grows by a page with "Show more")

COLUMN_CONFIG = {
    "Amount": st.column_config.NumberColumn("Amount", format="dollar"),
    "Cost (USD)": st.column_config.NumberColumn("Cost (USD)", format="$%.4f"),
    "Run total (s)": st.column_config.NumberColumn(
        "Run total (s)", help="The whole run, start to decision", format="%.2f"
    ),
    "Age": st.column_config.TextColumn("Age", help="Time since the run started"),
}


def open_run_options(rows: list[RunRow], linked: str | None = None) -> list[str]:
    """Run ids the select box offers: the rows, plus the run already open (it stays open while filters change)
    or, in a new session (a reload, a shared link), the run `linked` from the address."""
    ids = [r.run_id for r in rows]
    current = st.session_state.get(OPEN) or st.session_state.get("selected_run_id") or linked
    if current and current not in ids:
        ids.append(current)
    st.session_state.setdefault(OPEN, None)  # nothing is opened until chosen
    if current and st.session_state.get(OPEN) is None:
        st.session_state[OPEN] = current
    return ids


def count_caption(found: RunPage, awaiting: bool) -> str:
    """'Showing 500 of 522 runs awaiting a decision': the table never hides rows without saying so."""
    what = "runs awaiting a decision" if awaiting else "runs"
    if found.more:
        return f"Showing {len(found.rows):,} of {found.total:,} {what}; search, filter or show more to reach the rest."
    return f"{found.total:,} {what}."


def unknown_run(factory: sessionmaker[Session], run_id: str) -> bool:
    """True when no run has this id (a bogus or mistyped link): it is then dropped from the address and the
    session, so it is never offered as the run open."""
    try:
        if explorer.find_run(factory, run_id) is not None:
            return False
    except LoanGraphError:
        return False  # unknown is not the same as unreadable: loading it below reports the database error
    for key in (OPEN, "selected_run_id"):
        if st.session_state.get(key) == run_id:
            st.session_state[key] = None
    run_links.keep_in_url(st.query_params, None)
    return True


def _row_clicked(ids: list[str]) -> None:
    rows = st.session_state[TABLE]["selection"]["rows"]
    if rows:
        st.session_state[OPEN] = ids[rows[0]]


def run_table(rows: list[RunRow]) -> pd.DataFrame:
    """The runs as a table whose row click opens the run below it; returns the frame (for the CSV)."""
    frame = runs_frame(rows)
    ids = frame["Run"].tolist()
    st.dataframe(
        frame,
        hide_index=True,
        column_config=COLUMN_CONFIG,
        key=TABLE,
        on_select=lambda: _row_clicked(ids),
        selection_mode="single-row",
    )
    return frame
