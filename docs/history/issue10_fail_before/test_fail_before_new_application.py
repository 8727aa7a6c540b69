"""Issue 10, bugs (a), (b), (d), (e), (f), (g) driven through the New application page by labels and keys
that the old and the new page share, so the same test runs against both (see docs/history/issue10-fail-before.md).

Not collected by `make test`: `docs/history/issue10_fail_before/run.sh` copies it into tests/pages/ of a checkout.
"""

from __future__ import annotations

import pytest

from core.models import Run
from tests.pages.test_new_application import (  # noqa: F401 - page_db is a fixture
    APPROVE_SAMPLE,
    DECLINE_SAMPLE,
    markdown,
    open_page,
    page_db,
    run_count,
)

pytestmark = pytest.mark.integration

FIGURES = (
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
)


def labelled(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert found, f"no element labelled {label!r} on the page"
    return found[0]


def load_and_submit(at, sample: str):
    at.selectbox(key="na_sample").select(sample).run()
    at.button(key="na_load_sample").click().run()
    return at.button(key="na_submit").click().run()


def test_a_second_application_gets_its_own_decision_panel(page_db):
    """(a) After a second run the Final decision box kept the first run's recommendation."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    first = at.session_state["last_run_id"]
    second = load_and_submit(at, DECLINE_SAMPLE).session_state["last_run_id"]
    assert second != first
    shown = labelled(at.selectbox, "Final decision").value
    assert shown == "DECLINE", f"the second run recommends DECLINE, its Final decision box shows {shown}"
    labelled(at.text_input, "Officer name").input("R. Alvarez")
    labelled(at.button, "Record final decision").click().run()
    assert not at.error, at.error[0].value
    with page_db() as s:
        assert (s.get(Run, second).final_decision, s.get(Run, first).final_decision) == ("DECLINE", None)


def test_loading_another_sample_clears_the_previous_result(page_db):
    """(b) After Load into form the old card and officer form stayed under the new applicant's name."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.selectbox(key="na_sample").select(DECLINE_SAMPLE).run()
    at.button(key="na_load_sample").click().run()
    assert not at.exception
    assert at.text_input(key="na_f_applicant_name").value == "Lucinda Ferreira-Holt"
    left = [b.label for b in at.button if b.label == "Record final decision"]
    assert "Recommendation" not in markdown(at) and not left, (
        "the previous run's decision card and officer form are still shown after loading another sample"
    )


def test_the_decision_names_the_applicant(page_db):
    """(b) Neither the decision card nor the officer form named the applicant."""
    at = open_page(prefill_sample=DECLINE_SAMPLE)
    assert "Ferreira" in markdown(at), "no Markdown on the page names the applicant Lucinda Ferreira-Holt"


def test_a_blank_form_is_blank_and_a_name_and_ssn_alone_underwrite_nothing(page_db):
    """(d) The blank form carried believable figures, so name + SSN + submit gave an APPROVE."""
    before = run_count(page_db)
    at = open_page()
    filled = {key: at.number_input(key=f"na_f_{key}").value for key in FIGURES}
    at.text_input(key="na_f_applicant_name").input("Ann Lee")
    at.text_input(key="na_f_ssn").input("123-45-6789")
    at.button(key="na_submit").click().run()
    assert not at.exception
    made = run_count(page_db) - before
    assert made == 0 and all(v is None for v in filled.values()), (
        f"a name and an SSN alone made {made} run(s); the blank form held {filled}"
    )


def test_an_amount_the_database_cannot_hold_never_shows_a_database_error(page_db):
    """(e) A loan amount of 1e15 reported "The database rejected or lost the run (DataError)"."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.number_input(key="na_f_loan_amount").set_value(1e15)
    at.button(key="na_submit").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.caption)
    assert "DataError" not in shown and "database is running" not in shown, shown


def test_a_second_use_of_an_application_id_is_refused(page_db):
    """(f) The same application ID was accepted twice."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.text_input(key="na_f_application_id").input("BRANCH-7-0001")
    at.button(key="na_submit").click().run()
    shown = "BRANCH" in markdown(at)
    before = run_count(page_db)
    at.button(key="na_submit").click().run()
    made = run_count(page_db) - before
    assert made == 0 and shown, f"second use of BRANCH-7-0001 made {made} run(s); ID shown on the result: {shown}"


def test_applicant_text_is_shown_as_plain_text(page_db):
    """(g) Names were rendered as Markdown (`**x**` bold, `$x$` maths)."""
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    at.text_input(key="na_f_applicant_name").input("**Bold** $x$ <b>Ann</b>")
    at.button(key="na_submit").click().run()
    assert not at.exception
    assert "\\*\\*Bold\\*\\*" in markdown(at), "the name is not on the page as escaped plain text"
