"""Decisions: the officer's work queue (runs awaiting a decision) and every run, searchable and exportable."""

import streamlit as st

from agents.runs import DECISIONS, PAGE
from core.errors import LoanGraphError
from dashboard import explorer, resources, run_links, run_tables
from dashboard.decisions_view import AWAITING, SHOWN, VIEWS, count_caption, open_run_options, run_table, unknown_run
from dashboard.run_detail import render_run_detail
from dashboard.safe_text import plain
from rag.types import PROGRAMS

ALL = "All"

st.title("Decisions")
view = st.segmented_control("View", VIEWS, default=AWAITING, key="dec_view", label_visibility="collapsed") or AWAITING
awaiting = view == AWAITING
st.caption(
    "Completed runs with no officer decision yet, oldest first: open one to confirm or override it."
    if awaiting
    else "Every underwriting run, most recent first. Open one to see what each agent concluded."
)

cols = st.columns([1, 1, 2])
loan_type = cols[0].selectbox("Loan type", [ALL, *PROGRAMS])
decision = cols[1].selectbox("Recommendation", [ALL, *DECISIONS])
search = cols[2].text_input("Search", placeholder="Applicant name, application ID or run id")
filtered = loan_type != ALL or decision != ALL or bool(search.strip())

shown = st.session_state.setdefault(SHOWN, PAGE)
try:
    factory = resources.session_factory()
    found = run_tables.find_runs(
        factory,
        loan_type=None if loan_type == ALL else loan_type,
        decision=None if decision == ALL else decision,
        search=search,
        awaiting=awaiting,
        limit=shown,
    )
    rows = found.rows
except LoanGraphError as exc:
    st.error(f"**The decisions cannot be read from the database.** {exc}")
    st.info("Check DATABASE_URL (leave it empty for the embedded database) and restart with `make run`.")
    st.stop()

linked = run_links.url_run(st.query_params)
if linked is not None and linked not in {r.run_id for r in rows} and unknown_run(factory, linked):
    st.error(
        f"No run with that id: `{plain(linked)[:80]}`. Check the link, or search for the applicant below.",
        icon=":material/link_off:",
    )
    linked = None
ids = open_run_options(rows, linked)
if not rows:
    st.info(
        "No runs match these filters. Clear the search or choose All."
        if filtered
        else "Nothing is waiting for a decision. Choose **All runs** to see decided runs."
        if awaiting
        else "No runs yet. Underwrite an application on the **New application** page and it will be listed here."
    )
else:
    st.caption(count_caption(found, awaiting))
    frame = run_table(rows)
    if found.more:
        st.button(
            f"Show {min(found.more, PAGE):,} more",
            key="dec_more",
            icon=":material/expand_more:",
            on_click=lambda: st.session_state.update({SHOWN: shown + PAGE}),
        )
    st.download_button(
        "Download CSV",
        run_tables.frame_csv(run_tables.export_frame(factory, frame)),
        file_name="loangraph_decisions.csv",
        mime="text/csv",
        icon=":material/download:",
    )
if not ids:
    st.stop()

labels = {r.run_id: explorer.run_label(r) for r in rows}
for other in (i for i in ids if i not in labels):  # a run kept open (or opened by its address) outside the filters
    try:
        if (row := explorer.find_run(factory, other)) is not None:
            labels[other] = explorer.run_label(row)
    except LoanGraphError:
        pass  # shown by its id; loading it below reports the database error
run_id = st.selectbox(
    "Open a run",
    ids,
    key="dec_open",
    format_func=lambda i: labels.get(i, i),
    placeholder="Choose a run (or click its row) to decide it or see its full trace",
)
run_links.keep_in_url(st.query_params, run_id)
if run_id is None:
    st.stop()

try:
    detail = run_tables.load_run(factory, run_id)
except LoanGraphError as exc:
    st.error(f"**The run cannot be read from the database.** {exc}")
    st.stop()
if detail is None:
    st.warning("That run is no longer stored.")
    st.stop()

st.divider()
render_run_detail(detail, factory)
