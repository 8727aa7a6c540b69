"""A reload keeps the run: the pages put the run they show in the address (?run=) and reopen it from there.

Bug: Streamlit forgets a session on reload, so the explorer fell back to the newest run (an auditor looking
at an older decision was silently shown another applicant's), Decisions closed the run being decided, and
New application showed an empty form with no word that the run just underwritten was saved.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from dashboard.run_links import RUN_PARAM, keep_in_url, url_run

pytestmark = pytest.mark.integration
DB = "lg_pages_run_links"
PAGES = PROJECT_ROOT / "pages"


def reloaded(page: str, run_id: str | None, *, entry: Path | None = None) -> AppTest:
    """The page as a new session (a reload) opens it: empty session state, the address's query string.
    `entry`: an app whose navigation lists the pages (page links need it), opening on `page`."""
    at = AppTest.from_file(str(entry or PAGES / page), default_timeout=180)
    if run_id is not None:
        at.query_params[RUN_PARAM] = run_id
    return at.run()


@pytest.mark.unit
def test_the_address_helpers():
    params: dict[str, str] = {}
    keep_in_url(params, "r1")
    assert params == {RUN_PARAM: "r1"} and url_run(params) == "r1"
    keep_in_url(params, None)
    assert params == {} and url_run(params) is None
    assert url_run({RUN_PARAM: "  "}) is None


def test_the_explorer_reopens_an_older_run_from_its_address(use_db, run_ids):
    use_db(DB)
    older = run_ids["Lucinda Ferreira-Holt"]  # not the newest run: the old fallback would show another applicant
    at = reloaded("citation_explorer.py", older)
    assert not at.exception
    assert at.selectbox[0].value == older
    assert at.query_params[RUN_PARAM] == older

    newest = reloaded("citation_explorer.py", None)
    assert newest.selectbox[0].value != older  # without an address it is the newest, as before
    picked = newest.selectbox[0].value
    assert newest.query_params[RUN_PARAM] == picked  # and the address now names it, for the next reload


def test_the_explorer_says_when_the_addressed_run_is_not_stored(use_db, run_ids):
    use_db(DB)
    at = reloaded("citation_explorer.py", "no-such-run")
    assert not at.exception
    assert "no-such-run from the address is not stored" in at.warning[0].value
    assert at.selectbox[0].value in run_ids.values()


def test_decisions_reopens_the_run_from_its_address_even_outside_the_work_queue(use_db, run_ids):
    use_db(DB)
    decided = run_ids["Lucinda Ferreira-Holt"]  # decided by an officer: not in the default "awaiting" view
    at = reloaded("decisions.py", decided)
    assert not at.exception
    assert at.selectbox(key="dec_open").value == decided
    assert "Lucinda Ferreira-Holt" in at.selectbox(key="dec_open").format_func(decided)
    assert "Lucinda Ferreira\\-Holt" in at.subheader[0].value  # escaped Markdown
    assert "(override of DECLINE) by **R. Alvarez**" in at.success[0].value  # the officer's final decision

    # choosing another run moves the address with it
    other = run_ids["Maribel Okafor"]
    at.selectbox(key="dec_open").set_value(other).run()
    assert at.query_params[RUN_PARAM] == other


def navigation_entry(tmp_path: Path) -> Path:
    """app.py's navigation, opening on New application (AppTest cannot choose the page of a URL)."""
    (tmp_path / "pages").symlink_to(PAGES)
    entry = tmp_path / "app.py"
    entry.write_text(
        "import streamlit as st\n"
        "st.navigation([st.Page('pages/new_application.py', title='New application', default=True),\n"
        "               st.Page('pages/decisions.py', title='Decisions'),\n"
        "               st.Page('pages/citation_explorer.py', title='Citation explorer')]).run()\n"
    )
    return entry


def test_new_application_after_a_reload_says_the_run_is_saved_and_links_to_it(use_db, run_ids, tmp_path):
    use_db(DB)
    run_id = run_ids["Maribel Okafor"]
    entry = navigation_entry(tmp_path)
    at = reloaded("new_application.py", run_id, entry=entry)
    assert not at.exception
    assert "Maribel Okafor" in at.success[0].value and "is saved" in at.success[0].value
    assert "recommended APPROVE" in at.success[0].value  # undecided: the recommendation, in words
    links = [el for el in at.main if el.type == "page_link"]
    assert [link.proto.query_string for link in links] == [f"{RUN_PARAM}={run_id}"] * 2
    # above the ~1,300-px form, where a reloaded page opens (it sat below it, out of view: issue 21, point 13)
    order = [getattr(el, "key", None) or el.type for el in at.main]
    assert order.index("page_link") < order.index("na_submit")

    gone = reloaded("new_application.py", "no-such-run", entry=entry)
    assert not gone.exception
    assert "no-such-run from the address is not stored" in gone.warning[0].value
    assert RUN_PARAM not in gone.query_params


def test_a_bogus_decisions_link_says_no_run_with_that_id_and_is_not_kept_selected(use_db, run_ids):
    """Bug: /decisions?run=not-a-run said "That run is no longer stored" and the bogus id stayed selected in
    "Open a run" and in the address (issue 21, point 9)."""
    use_db(DB)
    at = reloaded("decisions.py", "not-a-run")
    assert not at.exception
    assert "No run with that id: `not\\-a\\-run`" in at.error[0].value
    assert "not-a-run" not in at.selectbox(key="dec_open").options and at.selectbox(key="dec_open").value is None
    assert RUN_PARAM not in at.query_params and not at.warning
    real = reloaded("decisions.py", run_ids["Maribel Okafor"])  # a real link still opens its run
    assert real.selectbox(key="dec_open").value == run_ids["Maribel Okafor"] and not real.error
