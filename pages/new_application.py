"""New application: fill in the form (or load a sample), watch the agents underwrite it, then decide."""

import streamlit as st

from core.errors import LoanGraphError
from dashboard import explorer, resources, run_links, warmup
from dashboard.application_form import PENDING, application_form, apply_prefill
from dashboard.decision_card import decision_card
from dashboard.officer_decision import downloads, officer_panel, target_of
from dashboard.run_summary import agent_events, finished
from dashboard.underwriting import RESULT, policy_chunks, replay, run_problems, underwrite
from dashboard.verdict_cards import md, verdict_cards
from dashboard.warmup_status import warmup_notice


def saved_run_notice(factory) -> None:
    """After a reload the form starts empty; the run the address names is saved: say so and link to it."""
    linked = run_links.url_run(st.query_params)
    if linked is None:
        return
    try:
        row = explorer.find_run(factory, linked)
    except LoanGraphError as exc:
        st.warning(f"The run in the address cannot be read now: {exc}")
        return
    if row is None:
        st.warning(f"Run {md(linked[:40])} from the address is not stored.")
        run_links.keep_in_url(st.query_params, None)
        return
    outcome = (
        f"final decision {row.final_decision}"
        if row.final_decision
        else f"recommended {row.recommendation}"
        if row.recommendation
        else row.status
    ).replace("_", " ")
    st.success(
        f"**{md(row.applicant)}**'s run is saved ({md(outcome)}). Reloading the page clears the form, "
        "never a run: open it to decide it or to trace its citations.",
        icon=":material/task_alt:",
    )
    cols = st.columns(2)
    cols[0].page_link(
        "pages/decisions.py",
        label="Open in Decisions",
        icon=":material/fact_check:",
        query_params={run_links.RUN_PARAM: linked},
    )
    cols[1].page_link(
        "pages/citation_explorer.py",
        label="Open in the citation explorer",
        icon=":material/travel_explore:",
        query_params={run_links.RUN_PARAM: linked},
    )


st.title("New application")
st.caption(
    "Enter a mortgage application or start from a sample. Seven agents underwrite it, each verdict "
    "cited to a page of the lending policy; you then confirm or override the recommendation."
)

try:
    factory = resources.session_factory()
    chunks = policy_chunks(factory)
except LoanGraphError as exc:
    st.error(f"**The database is not available.** {exc}")
    st.info("Check DATABASE_URL (leave it empty for the embedded database) and restart with `make run`.")
    st.stop()

if not chunks:
    st.warning(
        "**The policy knowledge base is empty**, so the agents would have no policy text to apply or cite. "
        "Open the **Overview** page: it ingests the seed policy corpus on first start "
        "(or run `python -m rag.ingest`).",
        icon=":material/menu_book:",
    )
    if st.button("Open Overview", key="na_goto_overview"):
        st.switch_page("pages/overview.py")
    st.stop()

warmup.start()  # no-op when the Overview began it; a page opened first begins loading the pipeline here
if apply_prefill():
    st.toast("Sample application loaded and submitted.", icon=":material/play_arrow:")
if PENDING not in st.session_state:
    warmup_notice()  # a submission shows the load in its own status box instead
    if st.session_state.get(RESULT) is None:
        saved_run_notice(factory)  # above the long form: a reloaded page opens at the top
application_form()

pending = st.session_state.pop(PENDING, None)
if pending is not None:
    result = underwrite(pending)
else:
    result = st.session_state.get(RESULT)
    if result is None:
        st.info("Submit the form to underwrite the application.", icon=":material/arrow_upward:")
        st.stop()
    replay(result)
run_links.keep_in_url(st.query_params, result.run_id)  # a reload then offers this run again

if run_problems(result):
    st.stop()
decision_card(
    result.events,
    finished(result.events),
    applicant=result.application.get("applicant_name"),
    application_ref=result.application.get("application_id"),
    application=result.application,
)
result.final = officer_panel(target_of(result), factory) or result.final
downloads(result)
st.subheader("Agent verdicts")
verdict_cards(agent_events(result.events))
