"""The notices of a decision report (issue 9) on the card's data and in the PDF."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from agents.verdicts import CreditScoreDisclosure, DecisionReport, IncompletenessNotice
from dashboard.decision_notices import notice_sections, standard_condition_groups
from dashboard.decision_pdf import decision_pdf
from dashboard.verdict_cards import md
from tests.dashboard.support import NOTICE, application, events, text_of

pytestmark = pytest.mark.unit


def test_incompleteness_notice_lists_missing_items_and_the_deadline():
    report = DecisionReport(
        recommendation="INCOMPLETE",
        summary="Incomplete: test.",
        incompleteness_notice=IncompletenessNotice(
            missing_items=("Annual homeowners insurance is missing.",),
            deadline_days=15,
            send_within_days=30,
            citation=NOTICE,
        ),
    )
    ((title, lines),) = notice_sections(report)
    assert "1002.9(c)" in title and lines[0] == "Missing: Annual homeowners insurance is missing."
    assert "at least 15 calendar days" in lines[1] and "within 30 days" in lines[1]


def test_fcra_disclosure_and_tasks_appear_in_the_pdf():
    disclosure = CreditScoreDisclosure(
        score=480,
        score_range="300-850",
        date="to be completed before the notice is sent",
        source="to be completed before the notice is sent",
        key_factors=("Limited credit experience",),
    )
    evs = events("DECLINE", notice=True)
    done = evs[-1]
    report = done.report.model_copy(
        update={"credit_score_disclosure": disclosure, "notice_tasks": ("Add the credit score date to the notice.",)}
    )
    evs[-1] = (
        done.__class__(*(report if isinstance(v, DecisionReport) else v for v in done.__dict__.values()))
        if hasattr(done, "__dict__")
        else done
    )
    titles = [t for t, _ in notice_sections(report)]
    assert titles == ["Credit score disclosure (FCRA)", "Before the notice is sent"]
    _, text = text_of(decision_pdf(evs, application()))
    assert "Credit score disclosure (FCRA)" in text and "Score: 480 (range 300-850)" in text
    assert "Add the credit score date to the notice." in text


STANDARD = (
    "Every file contains a signed application. (Conventional Loan Program Guide, p. 9, 10.1 Required Documents)",
    "Documents are no more than 120 days old. (Conventional Loan Program Guide, p. 9, 10.1 Required Documents)",
    "Judgments are paid at closing. (Conventional Loan Program Guide, p. 3, 3.2 Credit History)",
    "Each factor is verified. (Ability-to-Repay and Qualified Mortgage Policy, p. 2, 3.1 The Eight Factors (Reg Z))",
    "A line without a citation",
)


def test_standard_conditions_are_grouped_by_document_then_section_in_policy_order():
    groups = standard_condition_groups(STANDARD)
    assert [doc for doc, _ in groups] == [
        "Conventional Loan Program Guide",
        "Ability-to-Repay and Qualified Mortgage Policy",
        "Other",
    ]
    conventional = dict(groups[0][1])
    assert list(conventional) == ["10.1 Required Documents", "3.2 Credit History"]
    assert conventional["10.1 Required Documents"] == [
        "Every file contains a signed application. (p. 9)",
        "Documents are no more than 120 days old. (p. 9)",
    ]
    assert dict(groups[1][1]) == {"3.1 The Eight Factors (Reg Z)": ["Each factor is verified. (p. 2)"]}
    assert groups[2][1] == [("", ["A line without a citation"])]


def test_the_card_shows_one_collapsed_expander_per_document_not_a_flat_list():
    def script(conditions):
        from agents.verdicts import DecisionReport
        from dashboard.decision_notices import render_notices

        render_notices(
            DecisionReport(recommendation="APPROVE", summary="Approve: test.", standard_conditions=conditions)
        )

    at = AppTest.from_function(script, kwargs={"conditions": STANDARD}, default_timeout=30).run()
    assert not at.exception
    assert [e.label for e in at.expander] == [
        f"{md(doc)} ({n})"
        for doc, n in (
            ("Conventional Loan Program Guide", 3),
            ("Ability-to-Repay and Qualified Mortgage Policy", 1),
            ("Other", 1),
        )
    ]
    assert not any(e.proto.expanded for e in at.expander)
    assert "5 in 3 documents" in at.markdown[0].value
    inside = [m.value for m in at.expander[0].markdown]
    assert inside[0] == f"**{md('10.1 Required Documents')}**" and inside[1].count("\n- ") == 1
    assert inside[2] == f"**{md('3.2 Credit History')}**"
