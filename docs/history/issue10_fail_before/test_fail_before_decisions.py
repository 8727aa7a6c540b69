"""Issue 10, bugs (c), (f) and (g) driven through the Decisions page
by labels and public names that the old and the new code share (see docs/history/issue10-fail-before.md).

Not collected by `make test`: `docs/history/issue10_fail_before/run.sh` copies it into tests/pages/ of a checkout.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "decisions.py")
DB = "lg_page_fail_before_decisions"


def open_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=120).run()


def labelled(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert found, f"no element labelled {label!r} on the page"
    return found[0]


def test_an_application_id_is_searchable(use_db, run_ids):
    """(f) An application ID was shown and searchable nowhere."""
    use_db(DB)
    sample = next((PROJECT_ROOT / "seed_data" / "applications").glob("24_*.json"))
    ref = json.loads(sample.read_text())["application"]["application_id"]
    at = open_page()
    labelled(at.text_input, "Search").input(ref).run()
    assert not at.exception
    found = at.dataframe[0].value["Applicant"].tolist() if at.dataframe else []
    assert found == ["Dominique Hargreave"], f"searching {ref} found {found}; {[i.value for i in at.info]}"


def test_an_undecided_run_can_be_decided_from_the_decisions_page(use_db, run_ids):
    """(c) A run not decided before a reload or page change could never be decided."""
    use_db(DB)
    run_id = run_ids["Maribel Okafor"]
    at = open_page()
    labelled(at.selectbox, "Open a run").set_value(run_id).run()
    assert not at.exception
    panels = [s for s in at.selectbox if s.label == "Final decision"]
    assert panels, f"no decision panel for the undecided run; the page says {[i.value for i in at.info]}"
    labelled(at.text_input, "Officer name").input("Jordan Reyes")
    labelled(at.button, "Record final decision").click().run()
    assert not at.exception and not at.error


def test_a_run_heading_is_plain_text(use_db, run_ids):
    """(g) Names and amounts reached Markdown as typed: "$400,000 ... $" would be set as maths."""
    use_db(DB)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["selected_run_id"] = run_ids["Lucinda Ferreira-Holt"]  # decided: not in the new work queue
    at.run()
    heading = at.subheader[0].value
    assert heading == "Lucinda Ferreira\\-Holt · conventional · \\$400,000", f"heading sent as Markdown: {heading!r}"
