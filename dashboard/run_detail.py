"""One run in full: outcome, officer decision, models, errors, and each agent's verdict and usage."""

from __future__ import annotations

import streamlit as st

from core.models import AgentTrace
from dashboard.run_tables import RunDetail, agents_frame, models_used


EXPLORER_PAGE = "pages/citation_explorer.py"


def _money(value: float) -> str:
    return f"${value:,.4f}" if 0 < value < 1 else f"${value:,.2f}"


def open_in_explorer(run_id: str, agent: str | None = None, label: str = "Open in the citation explorer") -> None:
    """A button that opens the citation explorer on this run (and agent)."""
    if st.button(label, key=f"explore-{run_id}-{agent or ''}", icon=":material/travel_explore:"):
        st.session_state["explorer_run_id"] = st.session_state["selected_run_id"] = run_id
        if agent:
            st.session_state["explorer_agent"] = agent
        st.switch_page(EXPLORER_PAGE)


def render_outcome(detail: RunDetail) -> None:
    st.subheader(f"{detail.applicant} · {detail.loan_type} · ${detail.loan_amount:,.0f}")
    st.caption(f"Run {detail.run_id} · started {detail.started_at:%Y-%m-%d %H:%M:%S} · status {detail.status}")
    cols = st.columns(4)
    cols[0].metric("Recommendation", detail.recommendation or "—")
    cols[1].metric("Latency", "—" if detail.latency_ms is None else f"{detail.latency_ms / 1000:.2f} s")
    cols[2].metric("Tokens (in / out)", f"{detail.tokens_in} / {detail.tokens_out}")
    cols[3].metric("Cost", _money(detail.cost_usd))
    if detail.summary:
        st.markdown(detail.summary)


def render_officer_decision(detail: RunDetail) -> None:
    st.markdown("**Officer's final decision**")
    if detail.final_decision is None:
        st.info("No final decision recorded yet: a loan officer confirms or overrides the recommendation "
                "on the New application page.")
        return
    when = f" on {detail.decided_at:%Y-%m-%d %H:%M}" if detail.decided_at else ""
    st.markdown(f"**{detail.final_decision}** by {detail.decided_by or 'an officer'}{when}.")
    if detail.overridden:
        st.warning(f"Override of the recommendation {detail.recommendation}. Reason: {detail.override_reason}")
    elif detail.override_reason:
        st.caption(f"Note: {detail.override_reason}")


def render_models_and_errors(detail: RunDetail) -> None:
    st.markdown("**Models used**")
    for model, agents in models_used(detail.agents).items():
        st.markdown(f"- `{model}`: {', '.join(agents)}")
    st.markdown(f"**Errors ({len(detail.errors)})**")
    if not detail.errors:
        st.caption("No agent reported an error in this run.")
    for error in detail.errors:
        st.warning(f"{error.get('agent', '?')} ({error.get('kind', 'error')}): {error.get('message', '')}")


def _agent_expander(run_id: str, trace: AgentTrace) -> None:
    verdict = trace.verdict or {}
    faith = "—" if trace.faithfulness is None else f"{trace.faithfulness:.2f}"
    with st.expander(f"{trace.seq}. {trace.agent} — {verdict.get('verdict', '')}"):
        st.markdown(verdict.get("summary", ""))
        if verdict.get("reasoning"):
            st.markdown("*Reasoning:* " + verdict["reasoning"])
        st.caption(f"{trace.provider} / {trace.model} · status {trace.status} · tokens {trace.tokens_in} in, "
                   f"{trace.tokens_out} out · {_money(trace.cost_usd)} · {trace.latency_ms:.0f} ms · "
                   f"faithfulness {faith} · {len(trace.citations or [])} citations")
        for condition in verdict.get("conditions", []):
            st.markdown(f"- Condition: {condition}")
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


def render_run_detail(detail: RunDetail) -> None:
    render_outcome(detail)
    open_in_explorer(detail.run_id)
    render_officer_decision(detail)
    render_models_and_errors(detail)
    render_agents(detail)
