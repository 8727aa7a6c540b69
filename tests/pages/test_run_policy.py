"""An auditor opens a run and sees the publication and policy version it decided under, and replays it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "decisions.py")
DB = "lg_pages_run_policy"


def test_a_run_shows_its_publication_and_replays_to_the_same_decision(use_db, run_ids):
    use_db(DB)
    run_id = run_ids["Maribel Okafor"]
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.session_state["selected_run_id"] = run_id
    at.run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if "policy version" in c.value)
    assert "publication 1 (LoanGraph seed policies" in caption and "policy version `" in caption
    assert "LoanGraph first start" in caption
    at.button(key=f"replay-{run_id}").click().run()
    assert not at.exception, at.exception
    assert any("Same decision" in s.value for s in at.success), [e.value for e in at.error]
    table = next(d.value for d in at.dataframe if "Replayed" in d.value.columns)
    assert table.set_index("").loc["Recommendation", "Replayed"] == "APPROVE" and table["Same"].all()
    assert "back_end_dti" in set(table[""])  # the Ratio agent's figures are compared
