"""The decision card: recommendation, principal reasons with citations and remedies, conditions, gauges, cost."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from agents.events import RunEvent, RunFinished
from dashboard.decision_figures import decision_figures
from dashboard.decision_notices import render_notices
from dashboard.money_lists import render_money_lists
from dashboard.run_summary import Gauge, notice_deadline, ratio_gauges
from dashboard.safe_text import plain
from dashboard.verdict_cards import badge, citation_line, explore_button, md

ZONE_COLORS = ("rgba(46, 160, 67, 0.25)", "rgba(227, 160, 8, 0.3)", "rgba(218, 54, 51, 0.3)")


def gauge_figure(g: Gauge) -> go.Figure:
    """An indicator gauge: green up to the first limit, amber between limits, red past the last."""
    value = float(g.value) if g.value is not None else 0.0
    limits = [float(t.value) for t in g.thresholds]
    top = max([value, *limits, 50.0]) * 1.15
    edges = [0.0, *limits, top] if limits else [0.0, top]
    zones = len(edges) - 1
    steps = [
        {"range": [lo, hi], "color": ZONE_COLORS[0 if i == 0 else 2 if i == zones - 1 else 1]}
        for i, (lo, hi) in enumerate(zip(edges, edges[1:]))
    ]
    gauge = {
        "axis": {"range": [0, top], "ticksuffix": "%"},
        "bar": {"color": "#1f3b64", "thickness": 0.3},
        "steps": steps,
    }
    if limits:
        gauge["threshold"] = {"line": {"color": "#b42318", "width": 3}, "thickness": 0.85, "value": limits[-1]}
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=value,
            number={"suffix": "%", "valueformat": ".2f"},
            title={"text": g.label},
            gauge=gauge,
        )
    )
    fig.update_layout(height=230, margin={"l": 25, "r": 25, "t": 50, "b": 10})
    return fig


def gauges(events: list[RunEvent], run_id: str) -> None:
    cols = st.columns(2)
    for col, g in zip(cols, ratio_gauges(events)):
        with col:
            if g.value is None:
                st.metric(g.label, "n/a", help="Not computable (no income or value to divide by)")
                continue
            st.plotly_chart(gauge_figure(g), key=f"gauge_{g.label}_{run_id}")
            limits = "; ".join(f"{t.label}: {t.status}" for t in g.thresholds) or "no limit stated by the findings"
            st.caption(md(f"Limits from the findings: {limits}"))


def _reasons(done: RunFinished) -> None:
    report = done.report
    title = "Principal reasons (adverse action)" if report.recommendation == "DECLINE" else "Reasons for referral"
    st.markdown(f"**{title}**")
    for i, r in enumerate(report.principal_reasons, 1):
        st.markdown(f"{i}. **{md(r.reason)}** {md(r.detail)}")
        if r.citation is not None:
            st.markdown(citation_line(r.citation))
        if r.remedy:
            st.markdown(f":blue[:material/lightbulb:] **To change the outcome:** {md(r.remedy)}")


def decision_card(
    events: list[RunEvent],
    done: RunFinished,
    *,
    applicant: str | None = None,
    application_ref: str | None = None,
    application: dict | None = None,
) -> None:
    """Everything the officer needs to confirm or override the recommendation."""
    report = done.report
    with st.container(border=True, key="decision-card"):
        st.markdown(f"### Recommendation {badge(report.recommendation)}")
        if applicant is not None:
            ref = f" · application ID **{plain(application_ref)}**" if application_ref else ""
            st.markdown(f"Applicant **{plain(applicant)}**{ref} · run `{done.run_id}`")
        st.markdown(md(report.summary))
        if report.principal_reasons:
            _reasons(done)
        notice = notice_deadline(events)
        if report.recommendation == "DECLINE" and notice is not None:
            where = f" ({md(notice.citation.label())})" if notice.citation else ""
            st.warning(f"**Adverse action notice:** {md(notice.message)}{where}", icon=":material/schedule:")
        if report.conditions:
            st.markdown("**Conditions of approval**")
            st.markdown("\n".join(f"- {md(c)}" for c in report.conditions))
        render_notices(report)
        gauges(events, done.run_id)
        decision_figures(events)
        if application is not None:
            render_money_lists(application, events)
        cols = st.columns(4)
        cols[0].metric("Run total time", f"{done.latency_ms / 1000:,.2f} s")
        cols[1].metric("Tokens (in / out)", f"{done.tokens_in:,} / {done.tokens_out:,}")
        cols[2].metric("Cost", f"${done.cost_usd:,.4f}")
        cols[3].metric("Faithfulness", f"{done.audit.overall:.2f}" if done.audit else "n/a")
        for err in done.errors:
            st.warning(f"{err.agent}: {md(err.message)}", icon=":material/warning:")
        if report.citations:
            explore_button(done.run_id, "decision", len(report.citations), key=f"explore-card-{done.run_id}")
        st.caption(
            f"Run `{done.run_id}` · corpus {report.corpus_version} · rules {report.ruleset_version}. "
            "This is a proposal: a loan officer confirms or overrides it below."
        )
