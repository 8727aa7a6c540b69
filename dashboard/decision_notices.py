"""The notices a decision report carries (issue 9): notice of incompleteness, FCRA credit score
disclosure, tasks to complete before a notice is sent, and the standard closing conditions.

`notice_sections` is pure (used by the card and the PDF); `render_notices` draws it in Streamlit.
"""

from __future__ import annotations

import streamlit as st

from agents.verdicts import DecisionReport
from dashboard.verdict_cards import md


def notice_sections(report: DecisionReport) -> list[tuple[str, list[str]]]:
    """(title, lines) for each notice the report carries, in the order an officer acts on them."""
    out: list[tuple[str, list[str]]] = []
    n = report.incompleteness_notice
    if n is not None:
        where = f" ({n.citation.label()})" if n.citation else ""
        out.append(("Notice of incompleteness (Reg B 1002.9(c))", [
            *(f"Missing: {item}" for item in n.missing_items),
            f"Deadline for the applicant: at least {n.deadline_days} calendar days{where}; "
            f"send the notice within {n.send_within_days} days of receiving the application."]))
    d = report.credit_score_disclosure
    if d is not None:
        out.append(("Credit score disclosure (FCRA)", [
            f"Score: {d.score} (range {d.score_range})", f"Date: {d.date}", f"Source: {d.source}",
            "Key factors: " + "; ".join(d.key_factors)]))
    if report.notice_tasks:
        out.append(("Before the notice is sent", list(report.notice_tasks)))
    return out


def render_notices(report: DecisionReport) -> None:
    for title, lines in notice_sections(report):
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {md(line)}" for line in lines))
    if report.standard_conditions:
        with st.expander(f"Standard closing conditions ({len(report.standard_conditions)}, every file of the program)"):
            st.markdown("\n".join(f"- {md(c)}" for c in report.standard_conditions))
