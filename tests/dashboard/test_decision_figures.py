"""Funds to close, reserves after closing, residual income and the FCRA disclosure: card rows and PDF."""

from __future__ import annotations

from datetime import date

import pytest

from agents.events import AgentEvent, RunFinished, RunStarted
from agents.verdicts import AgentVerdict, DecisionReport
from core.schemas import application_from_facts
from dashboard.decision_figures import disclosure, money_rows
from dashboard.decision_pdf import decision_pdf
from policy.credit_disclosure import credit_score_disclosure
from tests.dashboard.support import RUN, application, text_of

pytestmark = pytest.mark.unit


def events(**ratio_facts) -> list:
    facts = {k: v for k, v in application().items() if k != "ssn_masked"}
    # stored facts (numbers as text) come back through the trusted path, as the pipeline reads them
    app = application_from_facts(
        {
            **facts,
            "credit_report_date": "2026-10-15",
            "credit_score_source": "experian",
            "credit_key_factors": ["Too many inquiries"],
        }
    )
    intake = AgentVerdict(
        agent="intake", verdict="PROCEED", summary="ok", facts=credit_score_disclosure(app).as_facts()
    )
    ratio = AgentVerdict(
        agent="ratio",
        verdict="COMPUTED",
        summary="ratios",
        facts={
            "piti": "3181.05",
            "back_end_dti": "45.01",
            "funds_to_close": "131230.00",
            "funds_available": "110000",
            "funds_shortfall": "21230.00",
            "reserves_after_closing": "0",
            "reserves_months": "0.00",
            "residual_income": "None",
            **ratio_facts,
        },
    )
    report = DecisionReport(recommendation="DECLINE", summary="Decline.", corpus_version="c", ruleset_version="r")
    return [
        RunStarted(RUN, "A-1", "c", "r", {}),
        AgentEvent(RUN, "intake", 1, intake, None, (), 1.0),
        AgentEvent(RUN, "ratio", 2, ratio, None, (), 2.0),
        RunFinished(RUN, report, None, 10.0, 0, 0, 0.0),
    ]


def test_money_rows_name_each_figure_and_skip_what_does_not_apply():
    assert money_rows(events()) == [
        ("Funds to close", "$131,230.00"),
        ("Verified funds available", "$110,000.00"),
        ("Shortfall of funds to close", "$21,230.00"),
        ("Left after closing", "$0.00"),
        ("Reserves after closing", "0.00 months"),
    ]
    rows = dict(money_rows(events(funds_shortfall="0", residual_income="1076.42")))
    assert "Shortfall of funds to close" not in rows and rows["VA residual income (monthly)"] == "$1,076.42"


def test_the_disclosure_comes_from_the_application():
    d = disclosure(events())
    assert (d.score, d.range_low, d.range_high, d.date, d.source, d.key_factors) == (
        700,
        300,
        850,
        date(2026, 10, 15),
        "Experian",
        ("Too many inquiries",),
    )
    assert d.missing == ()


def test_the_pdf_states_funds_reserves_and_the_disclosure():
    _, text = text_of(decision_pdf(events(), application()))
    for expected in (
        "Funds to close and reserves",
        "Funds to close $131,230.00",
        "Shortfall of funds to close $21,230.00",
        "Reserves after closing 0.00 months",
        "Credit score disclosure (FCRA)",
        "Range of possible scores 300 to 850",
        "Date of the score 2026-10-15",
        "Source Experian",
        "Key factors Too many inquiries",
    ):
        assert expected in text, expected
