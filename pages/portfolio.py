"""Portfolio: underwrite a file of applications, then the decision mix, ratios and fair-lending table."""

import streamlit as st

from core.errors import LoanGraphError
from dashboard import portfolio, resources
from dashboard.run_detail import render_run_detail
from dashboard.run_tables import load_run
from dashboard.safe_text import plain
from dashboard.underwriting import underwriting_service

st.title("Portfolio")
st.caption(
    "Underwrite a file of applications (CSV or JSON Lines, or a HMDA register extract), then see the "
    "decision mix, the ratios behind it and approval rates by group. For large files use "
    "`python -m agents.batch FILE --engine dask`: same batches, in parallel."
)

factory = resources.session_factory()
source = st.radio("File", ["HMDA 2022 sample (300 rows)", "Upload a file"], horizontal=True)
upload = (
    st.file_uploader("Applications file", type=["csv", "jsonl", "ndjson", "gz"]) if source == "Upload a file" else None
)
if upload is not None:  # what "Run batch" will run, said once the server holds the file (not while it uploads)
    st.caption(f"Ready to run: {plain(upload.name)} ({upload.size:,} bytes)")
limit = st.number_input("Rows to underwrite (from the top of the file)", min_value=1, max_value=100_000, value=50)


def run_batch(path, rows: int, file_name: str | None = None) -> None:
    bar = st.progress(0.0, text="Reading and checking every row...")
    try:
        summary = portfolio.run_file(
            path,
            service=underwriting_service(),
            sessions=factory,
            limit=rows,
            file_name=file_name,
            on_progress=lambda done, total: bar.progress(
                done / total if total else 1.0, text=f"{done} of {total} underwritten"
            ),
        )
        st.session_state["portfolio_batch"] = summary["batch_id"]
        st.success(
            f"Batch {summary['status']}: {summary['decided']} decided, {summary['skipped']} already decided, "
            f"{summary['refused']} refused, {summary['errors']} not decided."
        )
        if summary["refused_rows"]:
            with st.expander(f"Refused rows ({summary['refused']})"):
                for r in summary["refused_rows"]:  # as text: long problems wrap instead of being cut
                    st.markdown(
                        f"- Row {r['row']}: " + "; ".join(f"{plain(k)}: {plain(v)}" for k, v in r["errors"].items())
                    )
    except (ValueError, LoanGraphError) as exc:
        bar.empty()  # no "Reading and checking..." left above the error
        removed = portfolio.discard_unused_upload(factory, path)
        st.error(f"The batch could not run: {exc}" + (" The upload was not kept." if removed else ""))


needs_file = source == "Upload a file" and not upload
if st.button("Run batch", type="primary", icon=":material/play_arrow:", disabled=needs_file):
    try:
        path = portfolio.save_upload(upload.name, upload.getvalue()) if upload else portfolio.HMDA_SLICE
        run_batch(path, int(limit), file_name=upload.name if upload else None)
    except ValueError as exc:
        st.error(str(exc))

batches = portfolio.batches_frame(factory)
if batches.empty:
    st.info("No batches yet. Run the HMDA sample or upload a file above.")
    st.stop()

st.subheader("Batches")
st.dataframe(batches, hide_index=True)
ids = batches["Batch"].tolist()
current = st.session_state.get("portfolio_batch")
batch_id = st.selectbox(
    "Batch",
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=lambda b: f"{b[:8]} · " + batches.set_index("Batch").loc[b, "File"],
)
status = batches.set_index("Batch").loc[batch_id, "Status"]
if status != "completed":
    st.warning(f"This batch is {status}: rows not yet decided can be resumed.")
    resumable = portfolio.resumable_file(factory, batch_id)
    if resumable and st.button("Resume this batch", icon=":material/replay:"):
        run_batch(*resumable)
        st.rerun()

results = portfolio.results_frame(factory, batch_id)
if results.empty:
    st.info("No rows of this batch have been underwritten yet.")
    st.stop()

cols = st.columns(3)
cols[0].plotly_chart(portfolio.decision_mix_chart(results))
cols[1].plotly_chart(portfolio.ratio_chart(results, "dti", "Back-end DTI (%)"))
cols[2].plotly_chart(portfolio.ratio_chart(results, "ltv", "LTV (%)"))

st.subheader("Fair lending")
min_group = portfolio.fairness_min_group()
fairness = portfolio.fairness_frame(results, min_group)
if fairness.empty:
    st.info("This batch carries no monitoring data (race, sex, age), so there is no fair-lending table.")
else:
    st.caption(
        f"Approval = APPROVE or APPROVE_WITH_CONDITIONS. AIR = a group's approval rate over the most "
        f"favoured group's; below 0.80 fails the four-fifths screen. Groups of fewer than {min_group} "
        f"applications (setting FAIRNESS_MIN_GROUP) are too few to compare and are said so, not passed. "
        "HMDA columns are the lenders' real outcomes for the same rows."
    )
    st.dataframe(fairness, hide_index=True, column_config=portfolio.FAIRNESS_COLUMNS)
    portfolio.render_drivers(results, min_group, batches.set_index("Batch").loc[batch_id, "Source"])

st.subheader("Open a run")
run_id = st.selectbox(
    "Run",
    results["run_id"].tolist(),
    index=None,
    placeholder="Choose a row to see its full trace",
    format_func=lambda r: (
        f"row {results.set_index('run_id').loc[r, 'row']} · {results.set_index('run_id').loc[r, 'recommendation']}"
    ),
)
if run_id:
    detail = load_run(factory, run_id)
    if detail is not None:
        render_run_detail(detail, factory)
