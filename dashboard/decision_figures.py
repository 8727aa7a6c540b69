"""Form 1003 money on the decision card and in the PDF: funds to close, reserves after closing, VA
residual income, and the FCRA credit score disclosure. Pure reads first, Streamlit rendering last."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from agents.events import RunEvent
from dashboard.run_summary import agent_event, decimal_or_none, finished, ratio_facts
from dashboard.verdict_cards import md
from policy.credit_disclosure import CreditScoreDisclosure, disclosure_from_facts

# (fact key in the Ratio verdict, label, unit)
MONEY_FACTS = (
    ("funds_to_close", "Funds to close", "$"),
    ("funds_available", "Verified funds available", "$"),
    ("funds_shortfall", "Shortfall of funds to close", "$"),
    ("reserves_after_closing", "Left after closing", "$"),
    ("reserves_months", "Reserves after closing", "months"),
    ("residual_income", "VA residual income (monthly)", "$"),
)


def _fmt(value: Decimal, unit: str) -> str:
    return f"${value:,.2f}" if unit == "$" else f"{value} {unit}"


def money_rows(events: list[RunEvent]) -> list[tuple[str, str]]:
    """(label, value) for each money figure the run computed; a zero shortfall is left out."""
    facts = ratio_facts(events)
    rows = []
    for key, label, unit in MONEY_FACTS:
        value = decimal_or_none(facts.get(key))
        if value is None or (key == "funds_shortfall" and value == 0):
            continue
        rows.append((label, _fmt(value, unit)))
    return rows


def disclosure(events: list[RunEvent]) -> CreditScoreDisclosure | None:
    """The intake's FCRA disclosure, unless the decision report carries its own (a credit-score
    denial): that one is shown with the decision's notices (dashboard.decision_notices), once."""
    done = finished(events)
    if done is not None and getattr(done.report, "credit_score_disclosure", None) is not None:
        return None
    intake = agent_event(events, "intake")
    return disclosure_from_facts(dict(intake.verdict.facts)) if intake else None


def disclosure_rows(d: CreditScoreDisclosure) -> list[tuple[str, str]]:
    factors = "; ".join(d.key_factors) or "not in the file (needed before a notice is sent)"
    return [
        ("Credit score", str(d.score)),
        ("Range of possible scores", f"{d.range_low} to {d.range_high}"),
        ("Date of the score", d.date.isoformat() if d.date else "not in the file"),
        ("Source", d.source or "not in the file"),
        ("Key factors", factors),
    ]


def decision_figures(events: list[RunEvent]) -> None:
    """Funds, reserves, residual income and the FCRA disclosure, under the decision's gauges."""
    rows = money_rows(events)
    if rows:
        cols = st.columns(min(len(rows), 4))
        for i, (label, value) in enumerate(rows):
            cols[i % len(cols)].metric(label, value)
    d = disclosure(events)
    if d is not None:
        st.markdown("**Credit score disclosure (FCRA)**")
        st.markdown("\n".join(f"- {label}: {md(value)}" for label, value in disclosure_rows(d)))


def pdf_rows(events: list[RunEvent]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(money rows, disclosure rows) for the decision PDF."""
    d = disclosure(events)
    return money_rows(events), (disclosure_rows(d) if d else [])
