"""The notices a decision report carries (issue 9): notice of incompleteness, FCRA credit score
disclosure, tasks to complete before a notice is sent, and the standard closing conditions.

`notice_sections` (used by the card and the PDF) and `standard_condition_groups` are pure;
`render_notices` draws them in Streamlit: the standard conditions (100 or so on every file) grouped by
document and section, each document collapsed in its own expander.
"""

from __future__ import annotations

import re

import streamlit as st

from agents.verdicts import DecisionReport
from dashboard.verdict_cards import md


def notice_sections(report: DecisionReport) -> list[tuple[str, list[str]]]:
    """(title, lines) for each notice the report carries, in the order an officer acts on them."""
    out: list[tuple[str, list[str]]] = []
    n = report.incompleteness_notice
    if n is not None:
        where = f" ({n.citation.label()})" if n.citation else ""
        out.append(
            (
                "Notice of incompleteness (Reg B 1002.9(c))",
                [
                    *(f"Missing: {item}" for item in n.missing_items),
                    f"Deadline for the applicant: at least {n.deadline_days} calendar days{where}; "
                    f"send the notice within {n.send_within_days} days of receiving the application.",
                ],
            )
        )
    d = report.credit_score_disclosure
    if d is not None:
        out.append(
            (
                "Credit score disclosure (FCRA)",
                [
                    f"Score: {d.score} (range {d.score_range})",
                    f"Date: {d.date}",
                    f"Source: {d.source}",
                    "Key factors: " + "; ".join(d.key_factors),
                ],
            )
        )
    if report.notice_tasks:
        out.append(("Before the notice is sent", list(report.notice_tasks)))
    return out


# "sentence (Document name, p. 4, 9.2 Required Documents)": CitedQuote.label() inside the last parentheses
_CITED = re.compile(r"(?P<text>.*) \((?P<doc>[^()]+?), p\. (?P<page>\d+)(?:, (?P<section>.+))?\)", re.DOTALL)
Group = tuple[str, list[tuple[str, list[str]]]]  # (document, [(section, ["sentence (p. N)", ...]), ...])


def standard_condition_groups(conditions: tuple[str, ...] | list[str]) -> list[Group]:
    """The standard conditions by document, then section, in the order they come (the policy's order).
    A line whose citation cannot be read stays whole under "Other"."""
    docs: dict[str, dict[str, list[str]]] = {}
    for line in conditions:
        m = _CITED.fullmatch(line)
        doc, section, item = (
            (m["doc"], m["section"] or "", f"{m['text']} (p. {m['page']})") if m else ("Other", "", line)
        )
        docs.setdefault(doc, {}).setdefault(section, []).append(item)
    return [(doc, list(sections.items())) for doc, sections in docs.items()]


def render_notices(report: DecisionReport) -> None:
    for title, lines in notice_sections(report):
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {md(line)}" for line in lines))
    if report.standard_conditions:
        _render_standard_conditions(report.standard_conditions)


def _render_standard_conditions(conditions: tuple[str, ...]) -> None:
    groups = standard_condition_groups(conditions)
    st.markdown(
        f"**Standard closing conditions** ({len(conditions)} in {len(groups)} documents, carried by "
        "every file of the program; they do not change the recommendation)"
    )
    for doc, sections in groups:
        with st.expander(f"{md(doc)} ({sum(len(items) for _, items in sections)})", expanded=False):
            for section, items in sections:
                if section:
                    st.markdown(f"**{md(section)}**")
                st.markdown("\n".join(f"- {md(item)}" for item in items))
