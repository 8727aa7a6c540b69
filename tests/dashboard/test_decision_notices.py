"""The notices of a decision report (issue 9) on the card's data and in the PDF."""

from __future__ import annotations

import pytest

from agents.verdicts import CreditScoreDisclosure, DecisionReport, IncompletenessNotice
from dashboard.decision_notices import notice_sections
from dashboard.decision_pdf import decision_pdf
from tests.dashboard.test_decision_pdf import NOTICE, application, events, text_of

pytestmark = pytest.mark.unit


def test_incompleteness_notice_lists_missing_items_and_the_deadline():
    report = DecisionReport(recommendation="INCOMPLETE", summary="Incomplete: test.", incompleteness_notice=IncompletenessNotice(
        missing_items=("Annual homeowners insurance is missing.",), deadline_days=15, send_within_days=30, citation=NOTICE))
    (title, lines), = notice_sections(report)
    assert "1002.9(c)" in title and lines[0] == "Missing: Annual homeowners insurance is missing."
    assert "at least 15 calendar days" in lines[1] and "within 30 days" in lines[1]


def test_fcra_disclosure_and_tasks_appear_in_the_pdf():
    disclosure = CreditScoreDisclosure(score=480, score_range="300-850", date="to be completed before the notice is sent",
                                       source="to be completed before the notice is sent",
                                       key_factors=("Limited credit experience",))
    evs = events("DECLINE", notice=True)
    done = evs[-1]
    report = done.report.model_copy(update={"credit_score_disclosure": disclosure,
                                            "notice_tasks": ("Add the credit score date to the notice.",)})
    evs[-1] = done.__class__(*(report if isinstance(v, DecisionReport) else v for v in done.__dict__.values())) \
        if hasattr(done, "__dict__") else done
    titles = [t for t, _ in notice_sections(report)]
    assert titles == ["Credit score disclosure (FCRA)", "Before the notice is sent"]
    _, text = text_of(decision_pdf(evs, application()))
    assert "Credit score disclosure (FCRA)" in text and "Score: 480 (range 300-850)" in text
    assert "Add the credit score date to the notice." in text
