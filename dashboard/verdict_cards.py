"""One card per agent verdict: badge, key numbers, summary, reasoning and citations."""

from __future__ import annotations

import streamlit as st

from agents.events import AgentEvent
from agents.verdicts import AgentVerdict, CitedQuote
from dashboard.explorer_link import open_in_explorer
from dashboard.run_summary import format_fact
from dashboard.safe_text import prose

TITLES = {
    "intake": "Intake",
    "ratio": "Ratio",
    "compliance": "Compliance",
    "policy": "Policy",
    "underwriting": "Underwriting",
    "decision": "Decision",
    "audit": "Audit",
}
GREEN = {"PROCEED", "PASS", "ELIGIBLE", "APPROVE", "VERIFIED", "COMPUTED", "A"}
ORANGE = {"REVIEW", "WARN", "REFER", "APPROVE_WITH_CONDITIONS", "INCOMPLETE", "B", "C", "UNVERIFIED", "PARTIAL"}
RED = {"FAIL", "DECLINE", "INELIGIBLE", "REJECT_INCOMPLETE", "ERROR", "D", "E", "UNSUPPORTED"}
METRICS_PER_ROW = 3
FINDING_ICONS = {
    "PASS": ":green[:material/check_circle:]",
    "INFO": ":blue[:material/info:]",
    "CONDITION": ":orange[:material/assignment:]",
    "WARN": ":orange[:material/warning:]",
    "REVIEW": ":orange[:material/person_search:]",
    "FAIL": ":red[:material/cancel:]",
    "UNVERIFIED": ":red[:material/help:]",
}


def md(text: str) -> str:
    """LLM- or applicant-written text shown as text: no Markdown, HTML, LaTeX ("$") or `:directive` in it
    takes effect (see `dashboard.safe_text.prose`)."""
    return prose(text)


def badge(verdict: str) -> str:
    """A coloured Markdown badge for any verdict or recommendation."""
    color = "green" if verdict in GREEN else "orange" if verdict in ORANGE else "red" if verdict in RED else "gray"
    return f":{color}-badge[{verdict.replace('_', ' ')}]"


def citation_line(c: CitedQuote) -> str:
    """'document, p. N, section' and the verbatim quote."""
    return f"**{md(c.label())}**  \n> {md(c.quote)}"


def key_numbers(verdict: AgentVerdict) -> list[tuple[str, str]]:
    """The figures worth a glance, per agent, from `verdict.facts`."""
    f = verdict.facts
    if verdict.agent == "intake" and verdict.score is not None:
        return [("Completeness", f"{verdict.score:g}/10")]
    if verdict.agent == "ratio":
        return [
            ("PITI", format_fact(f.get("piti"), "$")),
            ("Housing ratio", format_fact(f.get("front_end_dti"), "%")),
            ("DTI", format_fact(f.get("back_end_dti"), "%")),
            ("LTV", format_fact(f.get("ltv"), "%")),
            ("CLTV", format_fact(f.get("cltv"), "%")),
            ("Reserves (months)", format_fact(f.get("reserves_months"), "")),
        ]
    if verdict.agent == "underwriting":
        return [
            ("Risk grade", str(f.get("risk_grade", verdict.verdict))),
            ("Strengths", str(len(f.get("strengths", [])))),
            ("Risks", str(len(f.get("risks", [])))),
        ]
    if verdict.agent == "audit":  # what it checked: each agent whose cited claims it verified, and the score
        scores = f.get("faithfulness") or {}
        return [("Agents checked", str(len(scores)))] + [
            (f"{TITLES.get(agent, agent)} faithfulness", f"{score:.2f}") for agent, score in scores.items()
        ]
    if verdict.agent in ("compliance", "policy"):
        counts = {s: sum(x.status == s for x in verdict.findings) for s in ("PASS", "REVIEW", "FAIL")}
        return [("Rules checked", str(len(verdict.findings)))] + [(s.title(), str(n)) for s, n in counts.items() if n]
    return []


def event_line(event: AgentEvent) -> None:
    """The one-line progress entry shown inside the run's status box as each agent lands."""
    v = event.verdict
    with st.container(key=f"agent-card-{event.agent}"):  # the key is a CSS hook for the browser test
        # one meaning of latency: the agent's own time; the run's total is on the decision card
        timing = (
            f"{event.usage.latency_ms:,.0f} ms agent time"
            if event.usage is not None
            else f"done {event.elapsed_ms / 1000:,.1f} s into the run"
        )
        st.markdown(f"**{TITLES.get(event.agent, event.agent)}** {badge(v.verdict)} :gray[({timing})]")
        st.text(v.summary)  # the agent's (or a model's) words, shown as written, never as Markdown
        for err in event.errors:
            st.warning(f"{TITLES.get(err.agent, err.agent)}: {md(err.message)}", icon=":material/warning:")


def verdict_card(event: AgentEvent) -> None:
    """The full card: badge, key numbers, summary; reasoning, findings and citations in expanders."""
    v = event.verdict
    with st.container(border=True):
        st.markdown(f"#### {TITLES.get(v.agent, v.agent)} {badge(v.verdict)}")
        numbers = key_numbers(v)
        for start in range(0, len(numbers), METRICS_PER_ROW):  # a half-width card fits three metrics a row
            for col, (label, value) in zip(st.columns(METRICS_PER_ROW), numbers[start : start + METRICS_PER_ROW]):
                col.metric(label, value)
        st.markdown(md(v.summary))
        for err in event.errors:
            st.warning(f"{md(err.message)} ({err.kind})", icon=":material/warning:")
        if event.usage is not None:
            u = event.usage
            st.caption(
                f"{u.provider}/{u.model} · {u.latency_ms:,.0f} ms agent time · {u.tokens_in + u.tokens_out:,} tokens "
                f"· ${u.cost_usd:.4f}"
            )
        with st.expander("Reasoning and findings"):
            if v.reasoning and v.reasoning != v.summary:
                st.markdown(md(v.reasoning))
            for f in v.findings:
                numbers_text = f" (actual {f.actual}, limit {f.threshold})" if f.actual and f.threshold else ""
                st.markdown(f"{FINDING_ICONS.get(f.status, '')} **{md(f.label)}**: {md(f.message + numbers_text)}")
            for condition in v.conditions:
                st.markdown(f"- Condition: {md(condition)}")
        citations = v.citations
        if citations:
            with st.expander(f"Citations ({len(citations)})"):
                for c in citations:
                    st.markdown(citation_line(c))
                explore_button(event.run_id, v.agent, len(citations))


def explore_button(run_id: str, agent: str, count: int, key: str | None = None) -> None:
    """Open the citation explorer on this run and agent: each passage on its highlighted page."""

    open_in_explorer(run_id, agent, f"Show the {count} citation{'s' if count != 1 else ''} on their PDF pages", key=key)


def verdict_cards(events: list[AgentEvent]) -> None:
    """All cards, two to a row, in pipeline order."""
    for start in range(0, len(events), 2):
        cols = st.columns(2)
        for col, event in zip(cols, events[start : start + 2]):
            with col:
                verdict_card(event)
