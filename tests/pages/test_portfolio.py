"""The Portfolio page: run the HMDA sample, see the mix, the ratios, the fair-lending table and a run."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "portfolio.py")
DB = "lg_pages_portfolio"


portfolio_engine = seeded_clone(DB)


@pytest.fixture(scope="module")
def portfolio_db(portfolio_engine):
    return DB


def test_no_batches_yet_is_explained(use_db, empty_engine):
    use_db("lg_empty")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert "No batches yet" in at.info[0].value


def test_running_the_hmda_sample_shows_mix_ratios_fairness_and_a_run(use_db, portfolio_db):
    use_db(portfolio_db)
    at = AppTest.from_file(PAGE, default_timeout=300).run()
    at.number_input[0].set_value(12)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.success and "Batch completed" in at.success[0].value
    assert "decided" in at.success[0].value and "refused" in at.success[0].value
    batches = at.dataframe[0].value  # refused rows are listed as text under an expander, not as a cut-off table
    if at.expander:
        assert all(m.value.startswith("- Row ") for m in at.expander[0].markdown)
    assert batches["File"].tolist() == ["hmda_2022_slice.csv"] and batches["Status"].tolist() == ["completed"]
    fairness = at.dataframe[-1].value
    assert {"Attribute", "Group", "Engine AIR", "HMDA AIR"} <= set(fairness.columns)
    assert set(fairness["Attribute"]) == {"race", "sex", "age"}
    assert "too few to compare (n < 30)" in set(fairness["Engine four-fifths screen"])  # 12 rows: every group
    widths = {name: c.get("width") for name, c in json.loads(at.dataframe[-1].proto.columns).items()}
    assert widths["Group"] == "large"  # "Black or African American" whole, not "Black or Africar" (point 12)
    assert any("fewer than 30" in c.value for c in at.caption)

    at.selectbox[-1].set_value(at.selectbox[-1].options[0]).run()
    assert not at.exception
    assert any("Run " in c.value for c in at.caption)


def test_the_same_sample_again_is_resumed_not_repeated(use_db, portfolio_db):
    use_db(portfolio_db)
    for _ in range(2):  # the second run of the sample (the first may be this test's or an earlier test's)
        at = AppTest.from_file(PAGE, default_timeout=300).run()
        at.number_input[0].set_value(12)
        at.button[0].click().run()
        assert not at.exception
    assert at.success[0].value.startswith("Batch completed: 0 decided, 10 already decided, 2 refused")


def test_a_file_that_cannot_run_leaves_only_the_error_not_the_reading_bar(use_db, portfolio_db, tmp_path, monkeypatch):
    """Bug: "Reading and checking every row..." stayed above the error of a file that could not run
    (issue 21, point 14). A real junk file stands in for the sample the page runs."""
    from dashboard import portfolio

    junk = tmp_path / "junk.csv"
    junk.write_text("this,is\nnot,an application file\n", encoding="utf-8")
    monkeypatch.setattr(portfolio, "HMDA_SLICE", junk)
    use_db(portfolio_db)
    at = AppTest.from_file(PAGE, default_timeout=300).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.error and at.error[0].value.startswith("The batch could not run: ")
    bars = [str(e.proto) for e in at.get("progress")]
    assert not any("Reading and checking" in b for b in bars), bars
