"""Citation explorer: every retrieval stage behind an agent's citations, or behind a free question."""

from collections import ChainMap

import streamlit as st

from core.errors import DatabaseUnavailable, LoanGraphError
from dashboard import explorer, resources, run_links
from dashboard.citation_cards import citation_card
from dashboard.retrieval_trace import render_trace
from dashboard.verdict_cards import badge, md
from dashboard.version_filter import version_filter

settings = resources.settings()
st.title("Citation explorer")
st.caption(
    "Replay how the policy passages behind a decision were found, stage by stage, and see each "
    "cited passage on its PDF page."
)


def show_run_evidence(factory) -> None:
    runs = explorer.recent_runs(factory)
    linked = run_links.url_run(st.query_params)
    if linked and linked not in {r.run_id for r in runs}:
        older = explorer.find_run(factory, linked)
        if older is None:
            st.warning(f"Run {md(linked[:40])} from the address is not stored; showing the most recent runs instead.")
            run_links.keep_in_url(st.query_params, None)
        else:
            runs = [older, *runs]
    if not runs:
        st.info(
            "No runs yet. Underwrite an application on the **New application** page, then come back here "
            "to trace its citations, or ask the policy library a free question."
        )
        return
    ids = [r.run_id for r in runs]
    labels = {r.run_id: explorer.run_label(r) for r in runs}
    # a run picked in this session wins; else the address's (a reload, a shared link); else the last underwritten
    state = ChainMap(st.session_state, {"url_run": linked})
    run_id = st.selectbox(
        "Run",
        ids,
        format_func=labels.get,
        index=explorer.preselect(ids, state, "explorer_run_id", "url_run", "last_run_id"),
    )
    run_links.keep_in_url(st.query_params, run_id)
    choices = explorer.run_agents(factory, run_id)
    if not choices:
        st.info("This run has no agent results yet (it may have been interrupted before the first agent finished).")
        return
    names = [c.agent for c in choices]
    driver = explorer.driving_agent(choices)
    agent = st.selectbox(
        "Agent (the one that drove the outcome comes first)",
        names,
        format_func={c.agent: c.label() for c in choices}.get,
        index=explorer.preselect(names, st.session_state, "explorer_agent", default=driver),
    )
    evidence = explorer.agent_evidence(factory, run_id, agent)
    if evidence is None:
        st.warning("That agent's result is no longer stored for this run.")
        return
    # the auditor's order: who decided and why, the passages it cited, and only then how they were found
    st.markdown(f"**{evidence.agent}** {badge(evidence.verdict)}")
    st.text(evidence.summary)  # the agent's (or a model's) words, shown as written, never as Markdown
    show_citations(evidence)
    show_lookups(evidence)


def show_lookups(evidence) -> None:
    st.subheader("Retrieval traces")
    if not evidence.lookups:
        st.info(
            f"The {evidence.agent} agent made no policy lookups in this run: it works from the "
            "application's numbers and the other agents' verdicts."
        )
        return
    with st.expander(f"Stage by stage, for each of the {len(evidence.lookups)} rule lookup(s)", expanded=False):
        index = st.selectbox(
            "Rule lookup", range(len(evidence.lookups)), format_func=lambda i: evidence.lookups[i].label()
        )
        render_trace(evidence.lookups[index].trace, evidence.chunks)


def show_citations(evidence) -> None:
    st.subheader(f"Citations ({len(evidence.citations)})")
    if not evidence.citations:
        st.info(f"The {evidence.agent} agent cited no policy passages in this run.")
    for cited in evidence.citations:
        citation_card(
            doc_name=cited.doc_name,
            page_num=cited.page_num,
            section=cited.subsection or cited.section,
            quote=cited.quote,
            detail=evidence.chunks.get(cited.chunk_id),
            policy_dir=settings.policy_dir,
            archive_dir=settings.document_archive_dir,
        )


def show_question(factory) -> None:
    if not explorer.knowledge_base_chunks(factory):
        st.info(
            f"The knowledge base is empty. Put policy PDFs in `{settings.policy_dir}` and run "
            "`python -m rag.ingest` (or open the Overview page, which ingests the seed policies)."
        )
        return
    if "explorer_question" in st.session_state:  # sent from the RAGAS drill-down
        st.session_state["explorer_question_input"] = st.session_state.pop("explorer_question")
    question = st.text_input(
        "Question", placeholder="e.g. What is the maximum DTI for an FHA loan?", key="explorer_question_input"
    )
    filters = version_filter(factory)
    if not question.strip():
        return
    with st.spinner("Retrieving and answering..."):
        result, chunks = explorer.ask(factory, question, filters)
    st.subheader("Answer")
    if not result.sufficient:
        st.warning(result.text)
    for sentence in result.sentences:
        c = sentence.citation
        citation_card(
            doc_name=c.doc_name,
            page_num=c.page_num,
            section=c.subsection or c.section,
            quote=sentence.text,
            detail=chunks.get(sentence.chunk_id),
            policy_dir=settings.policy_dir,
            archive_dir=settings.document_archive_dir,
            table=sentence.table,
        )
    if result.trace is not None:
        st.subheader("Retrieval trace")
        render_trace(result.trace.to_dict(), chunks)


MODES = ["A past run", "A free question"]
mode = st.radio("Explore", MODES, horizontal=True, index=1 if "explorer_question" in st.session_state else 0)
if mode != MODES[0]:
    run_links.keep_in_url(st.query_params, None)  # a free question is not about a run
try:
    factory = resources.session_factory()
    if mode == "A past run":
        show_run_evidence(factory)
    else:
        show_question(factory)
except DatabaseUnavailable as exc:
    st.error(f"**The citation explorer cannot read the database.** {exc}")
    st.info("Check DATABASE_URL (leave it empty for the embedded database) and restart with `make run`.")
except LoanGraphError as exc:  # e.g. a configured embedding or reranker model that is not installed
    st.error(f"**The citation explorer cannot continue.** {exc}")
