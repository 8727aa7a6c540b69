"""The New application page shows the Form 1003 money: lists in the form, funds and disclosure on the card."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from tests.pages.support import clear_caches, markdown, open_page, point_at

pytestmark = pytest.mark.integration
DB = "lg_page_new_application_money"
SHORTFALL_SAMPLE = "62_jumbo_reserves_before_closing_shortfall_decline"  # $110,000 against $267,249 to close


@pytest.fixture(scope="module")
def money_db(clone_seeded, settings):
    engine = clone_seeded(DB)
    with pytest.MonkeyPatch.context() as mp:
        point_at(mp, settings, DB)
        yield sessionmaker(bind=engine, expire_on_commit=False)
    clear_caches()
    engine.dispose()


def test_the_card_shows_funds_to_close_reserves_after_closing_and_the_disclosure(money_db):
    at = open_page(prefill_sample=SHORTFALL_SAMPLE)
    assert not at.exception
    text = markdown(at)
    assert "### Recommendation :red-badge[DECLINE]" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Funds to close"] == "$267,249.00" and metrics["Verified funds available"] == "$110,000.00"
    assert (
        metrics["Shortfall of funds to close"] == "$157,249.00" and metrics["Reserves after closing"] == "0.00 months"
    )
    assert "**Credit score disclosure (FCRA)**" in text and "Range of possible scores: 300 to 850" in text


def test_the_form_carries_the_sample_lists_and_form_1003_fields(money_db):
    at = open_page()
    at.selectbox(key="na_sample").select("63_jumbo_retirement_counted_at_60pct_approve").run()
    at.button(key="na_load_sample").click().run()
    assert at.number_input(key="na_m_closing_costs").value == 20000
    assert at.text_input(key="na_m_credit_report_date").value == "2026-10-15"
    at.button(key="na_submit").click().run()
    assert not at.exception and not at.error
    assert "### Recommendation :green-badge[APPROVE]" in markdown(at)
    assert {m.label: m.value for m in at.metric}["Reserves after closing"] == "18.78 months"


def test_itemised_lists_are_what_intake_the_card_and_the_form_use(money_db):
    """Bug: with the flat figures at 0 and the lists itemised, Intake said "No liquid assets are reported" while
    the card counted $85,000, and the card never showed the lists (issue 21, point 5)."""
    at = open_page(prefill_sample="68_conventional_gift_from_relative_approve")  # checking + a gift, flat figures 0
    assert not at.exception
    assert "No liquid assets are reported" not in markdown(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Own funds counted"] == "$52,800.00" and "Monthly debts counted in the DTI" in metrics
    assets = next(d.value for d in at.dataframe if "Donor" in d.value.columns)
    assert assets["Kind"].tolist() == ["checking savings", "gift"] and assets["Donor"].tolist()[-1] == "relative"
    assert any("leave *Liquid assets* at 0" in c.value for c in at.caption)
