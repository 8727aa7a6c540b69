"""Browser smoke test: the real app in headless Debian Chromium, driven by Playwright.

Starts `streamlit run app.py` on a free localhost port against a copy of the seeded test
database, underwrites two applications in a row, loads a third, underwrites and decides it, reloads the
page (the run stays reachable from its address), follows the link to Decisions, reloads there and goes
back, checks in the audit log that the decision landed on that run and applicant, opens the citation
explorer and the decisions table, and saves screenshots (and the submit-to-card timings) under test-artifacts/browser/.
Every wait is on a condition (an element or a text), never a fixed sleep.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import text

from tests.browser.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, WAIT_MS, officer_records, serve

pytestmark = pytest.mark.browser

DB = "lg_browser"
DECLINE_TITLE = (
    "Conventional DTI 45.01% with no compensating factor (score 700, 5 months of reserves) -> decline "
    "(expected: DECLINE)"
)
APPROVE_TITLE = "Conventional purchase at exactly 80% LTV, 30.44% DTI: clean approval (expected: APPROVE)"


@pytest.fixture(scope="module")
def app(clone_seeded, settings):
    """(url, engine) of a real `streamlit run app.py` on a copy of the seeded database."""
    yield from serve(clone_seeded, settings, DB)


def unfold(page, label: str) -> None:
    """Open the expander whose label contains `label`, clicking again if a rerun redrew it folded."""
    from playwright.sync_api import expect

    details = page.locator("details").filter(has=page.locator("summary", has_text=label)).first
    deadline = time.monotonic() + WAIT_MS / 1000
    while details.get_attribute("open") is None:
        details.locator("summary").click()
        try:
            expect(details).to_have_attribute("open", "", timeout=10_000)
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def choose_sample(page, title: str) -> None:
    """Unfold the form (it folds after a submission), pick a sample in its select box and load it."""
    unfold(page, "Application:")
    page.locator(".st-key-na_sample").click()
    page.get_by_role("option", name=title).click()
    page.get_by_role("button", name="Load into form").click()


def underwrite(page, applicant: str, recommendation: str) -> float:
    """Submit the loaded form, wait for the decision card naming `applicant`; seconds to the first agent card."""
    page.get_by_role("button", name="Underwrite application").click()
    clicked = time.perf_counter()
    page.locator(".st-key-agent-card-intake").first.wait_for(state="attached")
    first_card_s = time.perf_counter() - clicked
    card = page.locator(".st-key-decision-card")
    expect_text(card, applicant)
    expect_text(card, recommendation)
    return first_card_s


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator.first).to_contain_text(text)


def latest_run(engine, applicant: str) -> str:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT r.id FROM runs r JOIN applications p ON p.id = r.application_id "
                "WHERE p.applicant_name = :n ORDER BY r.started_at DESC LIMIT 1"
            ),
            {"n": applicant},
        ).scalar_one()


def test_two_applications_then_a_third_loaded_and_decided_lands_on_the_right_run(app):
    from playwright.sync_api import expect, sync_playwright

    url, engine = app
    expect.set_options(timeout=WAIT_MS)  # expect() otherwise gives up after a fixed 5 s
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        # a deep link as the fresh server's very first request: app.py's navigation routes it (bug: the
        # legacy pages/ mode ran the file alone, with raw file names such as "app" in the sidebar)
        page.goto(f"{url}/decisions")
        expect(page.get_by_role("heading", name="Decisions")).to_be_visible()
        nav = page.locator('[data-testid="stSidebarNavLink"]')
        expect(nav).to_have_count(7)  # the seven st.Page entries, not the eight files ("app", "overview", ...)
        expect(nav.first).to_contain_text(re.compile("Overview"))  # the page's title, not its file name

        page.goto(url)
        expect(page.get_by_text("Knowledge base")).to_be_visible()
        expect(page.get_by_text("Recent decisions")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

        # 1st: the Overview's sample, streamed
        page.get_by_role("button", name="Try a sample application").click()
        clicked = time.perf_counter()
        page.locator(".st-key-agent-card-intake").first.wait_for(state="attached")
        first_card_s = time.perf_counter() - clicked
        expect_text(page.locator(".st-key-decision-card"), "Priya Castellanos")
        decision_s = time.perf_counter() - clicked
        expect_text(page.locator(".st-key-decision-card"), "APPROVE")

        # 2nd: a decline; its panel defaults to its own recommendation
        choose_sample(page, DECLINE_TITLE)
        expect(page.locator(".st-key-decision-card")).to_have_count(0)  # the previous result is cleared
        underwrite(page, "Lucinda Ferreira-Holt", "DECLINE")
        expect(
            page.locator("[class*='st-key-officer-panel-']").get_by_role("combobox", name="Final decision")
        ).to_match_aria_snapshot('- combobox "Final decision": DECLINE (recommended)')
        page.screenshot(path=str(ARTIFACTS / "new_application.png"), full_page=True)

        # 3rd: loaded, underwritten, decided
        choose_sample(page, APPROVE_TITLE)
        expect(page.locator(".st-key-decision-card")).to_have_count(0)
        expect(page.locator("[class*='st-key-officer-panel-']")).to_have_count(0)
        warm_first_card_s = underwrite(page, "Maribel Okafor", "APPROVE")
        panel = page.locator("[class*='st-key-officer-panel-']")
        expect_text(panel, "Deciding Maribel Okafor")
        panel.get_by_label("Officer name").fill("Jordan Reyes")
        panel.get_by_role("button", name="Record final decision").click()
        expect_text(panel, "Final decision recorded for Maribel Okafor")

        # a reload forgets the session, never the run: the address names it, and the page links to it
        expect(page).to_have_url(re.compile(r"/new_application\?run="))
        page.reload()
        saved = page.locator('[data-testid="stAlert"]').filter(has_text="run is saved")
        expect_text(saved, "Maribel Okafor")
        expect_text(saved, "final decision APPROVE")  # the officer's, not the recommendation
        page.get_by_role("link", name="Open in Decisions").click()
        opened = page.get_by_role("heading", name=re.compile("Maribel Okafor"))
        expect(opened).to_be_visible()
        page.reload()  # Decisions reopens the same run from its address
        expect(opened).to_be_visible()
        expect(page).to_have_url(re.compile(r"/decisions\?run="))
        page.go_back()  # and the back button returns to the notice on New application
        expect(page.get_by_role("heading", name="New application")).to_be_visible()
        expect_text(page.locator('[data-testid="stAlert"]').filter(has_text="run is saved"), "Maribel Okafor")

        page.get_by_role("link", name="Open in the citation explorer").click()  # the notice's own link
        expect(page).to_have_url(re.compile(r"/citation_explorer\?run="))
        expect(page.get_by_role("combobox", name="Run", exact=True)).to_match_aria_snapshot(
            '- combobox "Run": /Maribel Okafor · conventional · APPROVE .*/'
        )
        expect(page.get_by_text("Citations (").first).to_be_visible()
        page.locator("img").first.wait_for()  # the cited PDF page, rendered
        expect(page.get_by_text("Retrieval traces").first).to_be_visible()
        unfold(page, "Stage by stage")  # the traces come last, collapsed
        expect(page.get_by_text("Dense").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "citation_explorer.png"), full_page=True)

        page.get_by_role("link", name="Decisions", exact=True).click()
        expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
        expect(page.get_by_text("Awaiting officer decision").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "decisions.png"), full_page=True)
        browser.close()

    # the decision is on the third run, with its applicant, and on no other run of this session
    run_id = latest_run(engine, "Maribel Okafor")
    ((event, payload),) = officer_records(engine, run_id)
    assert (event, payload["applicant"], payload["final_decision"], payload["officer"]) == (
        "officer_decision",
        "Maribel Okafor",
        "APPROVE",
        "Jordan Reyes",
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT final_decision FROM runs WHERE id = :r"), {"r": run_id}).scalar() == "APPROVE"
    for other in ("Lucinda Ferreira-Holt", "Priya Castellanos"):
        assert officer_records(engine, latest_run(engine, other)) == []
    timings = {
        "first_submission_to_first_agent_card_s": round(first_card_s, 2),
        "first_submission_to_decision_card_s": round(decision_s, 2),
        "warm_third_submission_to_first_agent_card_s": round(warm_first_card_s, 2),
    }
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=2))
    print(f"browser timings: {timings}")
    assert first_card_s < decision_s
