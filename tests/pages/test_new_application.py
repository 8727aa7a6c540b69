"""The New application page on a real database: samples underwritten live, validation, the officer's decision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from agents.events import RunInterrupted, RunStarted
from core.models import Run
from core.settings import PROJECT_ROOT
from tests.pages.support import (
    APPROVE_SAMPLE,
    DECLINE_SAMPLE,
    PAGE,
    TIMEOUT,
    clear_caches,
    markdown,
    open_page,
    point_at,
)

pytestmark = pytest.mark.integration


def run_count(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Run))


def test_an_empty_knowledge_base_points_to_the_overview(monkeypatch, settings):
    point_at(monkeypatch, settings, "lg_page_new_application_empty")
    try:
        at = open_page()
        assert not at.exception
        assert "The policy knowledge base is empty" in at.warning[0].value
        assert "Overview" in at.warning[0].value and "python -m rag.ingest" in at.warning[0].value
        assert "na_submit" not in [b.key for b in at.button]  # no form until there is policy to apply
    finally:
        clear_caches()


def test_an_unreachable_database_is_explained(monkeypatch, settings):
    point_at(monkeypatch, settings, "unused")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    clear_caches()
    try:
        at = AppTest.from_file(PAGE, default_timeout=60).run()
        assert not at.exception
        assert "The database is not available" in at.error[0].value
    finally:
        clear_caches()


def test_a_prefilled_decline_sample_is_underwritten_once(page_db):
    before = run_count(page_db)
    at = open_page(prefill_sample=DECLINE_SAMPLE)
    assert not at.exception
    text = markdown(at)
    assert "### Recommendation :red-badge[DECLINE]" in text
    assert "1. **Excessive obligations in relation to income** DTI 45.01% is above 45%" in text
    assert "**To change the outcome:** Reduce monthly debts by \\$2 to reach 45% DTI." in text
    assert "Conventional Conforming Loan Program Guide, p. 5, 5.3 Compensating Factors" in text
    assert any("within 30 days" in w.value for w in at.warning)
    # every agent's line landed in the status box, in pipeline order
    lines = [m.value.split(" :")[0] for m in at.markdown if m.value.startswith("**") and "badge[" in m.value]
    assert lines[:2] == ["**Intake**", "**Ratio**"] and lines[4:7] == ["**Underwriting**", "**Decision**", "**Audit**"]
    assert at.text_input(key="na_f_applicant_name").value == "Lucinda Ferreira-Holt"
    run_id = at.session_state["last_run_id"]
    with page_db() as s:
        assert s.get(Run, run_id).recommendation == "DECLINE"
    at.text_input(key=f"od_officer_{run_id}").input("R. Alvarez").run()  # a rerun shows the kept result
    assert "### Recommendation :red-badge[DECLINE]" in markdown(at)
    assert run_count(page_db) == before + 1


def test_a_sample_loaded_from_the_picker_is_approved_and_confirmed(page_db):
    at = open_page()
    at.selectbox(key="na_sample").select(APPROVE_SAMPLE).run()
    at.button(key="na_load_sample").click().run()
    assert at.text_input(key="na_f_applicant_name").value == "Maribel Okafor"
    assert at.number_input(key="na_f_credit_score").value == 752
    at.button(key="na_submit").click().run()
    assert not at.exception and not at.error
    assert "### Recommendation :green-badge[APPROVE]" in markdown(at)
    run_id = at.session_state["last_run_id"]
    assert at.selectbox(key=f"od_decision_{run_id}").value == "APPROVE"
    at.text_input(key=f"od_officer_{run_id}").input("Jordan Reyes")
    at.button(key=f"od_record_{run_id}").click().run()
    assert "Final decision recorded for **Maribel Okafor** · run" in at.success[0].value
    assert ":green-badge[APPROVE] (recommendation confirmed) by **Jordan Reyes**" in at.success[0].value
    with page_db() as s:
        run = s.get(Run, at.session_state["last_run_id"])
        assert (run.final_decision, run.decided_by, run.override_reason) == ("APPROVE", "Jordan Reyes", None)


def test_an_override_needs_a_written_reason(page_db):
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    run_id = at.session_state["last_run_id"]
    at.selectbox(key=f"od_decision_{run_id}").select("REFER")
    at.text_input(key=f"od_officer_{run_id}").input("Jordan Reyes")
    at.button(key=f"od_record_{run_id}").click().run()
    assert "an override needs a written reason" in at.error[0].value
    with page_db() as s:
        assert s.get(Run, run_id).final_decision is None
    at.text_area(key=f"od_reason_{run_id}").input("Paystubs show a pay cut since the application date.")
    at.button(key=f"od_record_{run_id}").click().run()
    assert "(override of APPROVE) by **Jordan Reyes**" in at.success[0].value
    with page_db() as s:
        run = s.get(Run, run_id)
        assert (run.recommendation, run.final_decision) == ("APPROVE", "REFER")
        assert run.override_reason == "Paystubs show a pay cut since the application date."


def fill_minimum(at: AppTest, name: str = "Ann Lee") -> AppTest:
    at.text_input(key="na_f_applicant_name").input(name)
    at.text_input(key="na_f_ssn").input("123-45-6789")
    return at


def test_invalid_input_shows_each_message_under_its_field_and_runs_nothing(page_db):
    before = run_count(page_db)
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.text_input(key="na_f_applicant_name").input("")
    at.text_input(key="na_f_ssn").input("12-345")
    at.number_input(key="na_f_credit_score").set_value(900)
    at.text_input(key="na_f_property_state").input("ZZ")
    at.button(key="na_submit").click().run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert ":red[:material/error: Applicant name must not be empty]" in captions
    assert ":red[:material/error: SSN must be in the format ###-##-#### (or 9 digits)]" in captions
    assert ":red[:material/error: Credit score must be between 300 and 850]" in captions
    assert ":red[:material/error: State must be a 2-letter USPS state code, e.g. CA]" in captions
    assert "4 fields need attention" in at.error[0].value
    assert "Recommendation" not in markdown(at)
    assert run_count(page_db) == before + 1  # only the prefilled sample's run


def test_a_blank_form_is_blank_and_a_name_and_ssn_alone_underwrite_nothing(page_db):
    """Bug: the blank form carried believable figures, so name + SSN + submit gave an APPROVE."""
    before = run_count(page_db)
    at = open_page()
    for key in (
        "credit_score",
        "monthly_income",
        "monthly_debts",
        "liquid_assets",
        "loan_amount",
        "property_value",
        "interest_rate",
        "term_months",
        "annual_property_tax",
        "annual_insurance",
        "property_units",
    ):
        assert at.number_input(key=f"na_f_{key}").value is None, key
    assert at.text_input(key="na_f_property_state").value == ""
    fill_minimum(at).button(key="na_submit").click().run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    for label in ("Credit score", "Gross monthly income ($)", "Loan amount ($)", "Property value ($)"):
        assert f":red[:material/error: {label} is required]" in captions
    assert "Recommendation" not in markdown(at) and "last_run_id" not in at.session_state
    assert run_count(page_db) == before


def test_neither_form_submits_on_enter(page_db):
    """Bug: Enter in any field submitted the application (or the officer's decision). Both forms, as the page
    sends them to the browser, tell it not to submit on Enter."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    assert not at.exception
    run_id = at.session_state["last_run_id"]
    forms = {form.key: form.proto.form.enter_to_submit for form in at.get("form")}
    assert forms == {"na_application_form": False, f"od_form_{run_id}": False}


def test_an_amount_the_database_cannot_hold_never_shows_a_database_error(page_db):
    """Bug: a loan amount of 1e15 reported "The database rejected or lost the run (DataError)"."""
    before = run_count(page_db)
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.number_input(key="na_f_loan_amount").set_value(1e15)
    at.button(key="na_submit").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.caption)
    assert "DataError" not in shown and "database is running" not in shown
    assert "Loan amount" in shown or "outside what the database can hold" in shown
    assert run_count(page_db) == before + 1  # only the prefilled sample's run


def test_a_second_use_of_an_application_id_is_refused_and_the_id_is_shown(page_db):
    """Bug: the help said an ID can be used once, yet the same ID was accepted twice and shown nowhere."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.text_input(key="na_f_application_id").input("BRANCH-7-0001")
    at.button(key="na_submit").click().run()
    assert "application ID **BRANCH\\-7\\-0001**" in markdown(at)
    before = run_count(page_db)
    at.button(key="na_submit").click().run()
    assert not at.exception and run_count(page_db) == before
    assert any("'BRANCH-7-0001' is already used by another application" in c.value for c in at.caption)


def test_a_second_application_gets_its_own_decision_panel(page_db):
    """Bug: after a second run the Final decision box kept the first run's recommendation."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    first = at.session_state["last_run_id"]
    at.selectbox(key="na_sample").select(DECLINE_SAMPLE).run()
    at.button(key="na_load_sample").click().run()
    at.button(key="na_submit").click().run()
    second = at.session_state["last_run_id"]
    assert second != first
    assert at.selectbox(key=f"od_decision_{second}").value == "DECLINE"
    assert "Deciding **Lucinda Ferreira\\-Holt** · run" in markdown(at)
    at.text_input(key=f"od_officer_{second}").input("R. Alvarez")
    at.button(key=f"od_record_{second}").click().run()  # one click records the right value
    assert not at.error
    with page_db() as s:
        assert (s.get(Run, second).final_decision, s.get(Run, first).final_decision) == ("DECLINE", None)


def test_loading_another_sample_clears_the_previous_result(page_db):
    """Bug: after Load into form the old card and officer form stayed under the new applicant's name."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    run_id = at.session_state["last_run_id"]
    assert at.get("form") and "Maribel Okafor" in markdown(at)
    at.selectbox(key="na_sample").select(DECLINE_SAMPLE).run()
    at.button(key="na_load_sample").click().run()
    assert not at.exception
    assert "Recommendation" not in markdown(at) and f"od_record_{run_id}" not in [b.key for b in at.button]
    assert at.text_input(key="na_f_applicant_name").value == "Lucinda Ferreira-Holt"


def test_applicant_text_is_shown_as_plain_text(page_db):
    """Bug: names were rendered as Markdown (`**x**` bold, `$x$` maths)."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.text_input(key="na_f_applicant_name").input("**Bold** $x$ <b>Ann</b>")
    at.button(key="na_submit").click().run()
    assert not at.exception
    assert "Applicant **\\*\\*Bold\\*\\* \\$x\\$ \\<b\\>Ann\\</b\\>**" in markdown(at)
    assert "**Bold**" not in markdown(at).replace("\\*", "")


class InterruptedService:
    """Stands in for the service when the database drops mid-run (the real outage path is tested in agents)."""

    def run(self, app):
        yield RunStarted("run-x", "app-x", "c", "r", {"intake": "offline/policy-engine"})
        yield RunInterrupted(
            "run-x",
            "The database became unavailable during the run (OperationalError). "
            "Everything saved so far is kept; resume with: python -m agents.run --resume run-x",
        )


def test_an_interrupted_run_shows_the_resume_command(page_db, monkeypatch):
    from dashboard import underwriting

    monkeypatch.setattr(underwriting, "underwriting_service", lambda: InterruptedService())
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    assert not at.exception
    assert "python -m agents.run --resume run-x" in at.error[0].value
    assert "Recommendation" not in markdown(at)


def test_the_decision_cards_citations_open_in_the_explorer(page_db, tmp_path):
    """Every citation on the decision card leads to its passage in the citation explorer."""
    (tmp_path / "pages").symlink_to(PROJECT_ROOT / "pages")
    entry = tmp_path / "app.py"
    entry.write_text(
        "import streamlit as st\n"
        "st.navigation([st.Page('pages/new_application.py', title='New application', default=True),\n"
        "               st.Page('pages/citation_explorer.py', title='Citation explorer')]).run()\n"
    )
    at = AppTest.from_file(str(entry), default_timeout=TIMEOUT)
    at.session_state["prefill_sample"] = DECLINE_SAMPLE
    at.run()
    run_id = at.session_state["last_run_id"]
    at.button(key=f"explore-card-{run_id}").click().run()
    assert not at.exception and at.title[0].value == "Citation explorer"
    assert (at.selectbox[0].value, at.selectbox[1].value) == (run_id, "decision")
    assert at.subheader[0].value.startswith("Citations (") and at.image  # the passages, on their pages


def test_a_taken_application_id_is_said_with_the_other_errors_on_the_first_submission(page_db):
    """Bug: a duplicate application ID was reported only after every other error was fixed, on a second
    submission (issue 21, point 11)."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.text_input(key="na_f_application_id").input("BRANCH-11-0001")
    at.button(key="na_submit").click().run()  # recorded: the ID is now held
    at.text_input(key="na_f_ssn").input("12-34")  # another error in the same submission
    before = run_count(page_db)
    at.button(key="na_submit").click().run()
    assert not at.exception and run_count(page_db) == before
    shown = " ".join(c.value for c in at.caption) + " ".join(e.value for e in at.error)
    assert "'BRANCH-11-0001' is already used by another application" in shown and "###-##-####" in shown
