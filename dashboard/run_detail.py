"""One run in full: outcome, officer decision, models, errors, and each agent's verdict and usage."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.models import AgentTrace
from dashboard.explorer_link import open_in_explorer
from dashboard.officer_decision import DecisionTarget, officer_panel
from dashboard.run_pdf import pdf_download
from dashboard.run_policy import render_run_policy
from dashboard.run_summary import FinalDecision
from dashboard.run_tables import RunDetail, agents_frame, models_used
from dashboard.safe_text import plain


def _money(value: float) -> str:
    return f"${value:,.4f}" if 0 < value < 1 else f"${value:,.2f}"


def render_outcome(detail: RunDetail) -> None:
    st.subheader(f"{plain(detail.applicant)} · {detail.loan_type} · \\${detail.loan_amount:,.0f}")
    ref = f"Application ID {plain(detail.application_ref)} · " if detail.application_ref else ""
    st.caption(f"{ref}Run {detail.run_id} · started {detail.started_at:%Y-%m-%d %H:%M:%S} · status {detail.status}")
    cols = st.columns(4)
    cols[0].metric("Recommendation", (detail.recommendation or "—").replace("_", " "))
    cols[1].metric("Run total time", "—" if detail.latency_ms is None else f"{detail.latency_ms / 1000:.2f} s")
    cols[2].metric("Tokens (in / out)", f"{detail.tokens_in} / {detail.tokens_out}")
    cols[3].metric("Cost", _money(detail.cost_usd))
    if detail.summary:
        st.markdown(plain(detail.summary))


def decision_target(detail: RunDetail) -> DecisionTarget | None:
    """The officer panel's target for a finished run (None while it has no recommendation)."""
    if detail.status != "completed" or detail.recommendation is None:
        return None
    final = None
    if detail.final_decision is not None:
        final = FinalDecision(
            detail.final_decision,
            detail.decided_by or "",
            detail.decided_at.isoformat() if detail.decided_at else "",
            detail.overridden,
            detail.override_reason or "",
        )
    return DecisionTarget(detail.run_id, detail.applicant, detail.application_ref, detail.recommendation, final)


def render_officer_decision(detail: RunDetail, factory: sessionmaker[Session]) -> None:
    """The same decision panel as on New application: any undecided run can be decided here."""
    target = decision_target(detail)
    if target is None:
        st.info(f"This run is {detail.status} and has no recommendation yet, so it cannot be decided.")
        return
    final = officer_panel(target, factory)  # the decision on file, recorded now or before
    pdf_download(factory, detail.run_id, final)


def render_models_and_errors(detail: RunDetail) -> None:
    st.markdown("**Models used**")
    for model, agents in models_used(detail.agents).items():
        st.markdown(f"- `{model}`: {', '.join(agents)}")
    st.markdown(f"**Errors ({len(detail.errors)})**")
    if not detail.errors:
        st.caption("No agent reported an error in this run.")
    for error in detail.errors:
        st.warning(f"{error.get('agent', '?')} ({error.get('kind', 'error')}): {plain(error.get('message', ''))}")


def _agent_expander(run_id: str, trace: AgentTrace) -> None:
    verdict = trace.verdict or {}
    faith = "—" if trace.faithfulness is None else f"{trace.faithfulness:.2f}"
    with st.expander(f"{trace.seq}. {trace.agent} — {verdict.get('verdict', '')}"):
        st.markdown(plain(verdict.get("summary", "")))
        if verdict.get("reasoning"):
            st.markdown("*Reasoning:* " + plain(verdict["reasoning"]))
        st.caption(
            f"{trace.provider} / {trace.model} · status {trace.status} · tokens {trace.tokens_in} in, "
            f"{trace.tokens_out} out · {_money(trace.cost_usd)} · {trace.latency_ms:.0f} ms agent time · "
            f"faithfulness {faith} · {len(trace.citations or [])} citations"
        )
        for condition in verdict.get("conditions", []):
            st.markdown(f"- Condition: {plain(condition)}")
        if trace.citations:
            open_in_explorer(run_id, trace.agent, f"Trace the {len(trace.citations)} citations of {trace.agent}")


def render_agents(detail: RunDetail) -> None:
    st.markdown("**Agent by agent**")
    if not detail.agents:
        st.info("No agent finished in this run.")
        return
    st.dataframe(agents_frame(detail.agents), hide_index=True)
    for trace in detail.agents:
        _agent_expander(detail.run_id, trace)


def render_run_detail(detail: RunDetail, factory: sessionmaker[Session]) -> None:
    render_outcome(detail)
    render_run_policy(factory, detail.run_id, detail.status)
    open_in_explorer(detail.run_id)
    render_officer_decision(detail, factory)
    render_models_and_errors(detail)
    render_agents(detail)
