"""Two officers, two browser contexts, one run: the second to act on a stale view is refused, visibly.

Issue 21, points 1-3: tab B confirming a run tab A had just declined looked like success (a green box with A's
decision, the refusal folded away, B's choice prefilled); tab B re-deciding a run tab A had re-decided seconds
before silently overwrote it; a re-decision without its own reason reused the previous one. Here, in real
Chromium against `streamlit run app.py`: every refusal is a red alert in the officer panel naming what is stored
now and by whom, nothing green, and the database holds tab A's decisions only.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import text

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, officer_records, serve
from tests.pages.run_fixtures import underwrite_samples

pytestmark = pytest.mark.browser
DB = "lg_browser_two_officers"
APPLICANT = "Maribel Okafor"  # an APPROVE, undecided after underwrite_samples


@pytest.fixture(scope="module")
def app(clone_seeded, settings):
    yield from serve(clone_seeded, settings, DB)


def open_run(browser, url: str, run_id: str):
    """A new browser context (another officer's tab) on the run's Decisions page; returns (page, panel)."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{url}/decisions?run={run_id}")
    panel = page.locator(f".st-key-officer-panel-{run_id}")
    expect(panel.get_by_text(f"Deciding {APPLICANT}")).to_be_visible()
    return page, panel


def choose(page, panel, box: str, option: str) -> None:
    """Pick `option` in the select box, opening it again if a rerun still streaming the page (the previous
    submission's) redrew it closed before the option could be clicked; then check it is chosen."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    name = re.compile(rf"^{option}( \(recommended\))?$")
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        panel.get_by_role("combobox", name=box).click()
        try:
            page.get_by_role("option", name=name).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
    expect(panel.get_by_role("combobox", name=box)).to_have_value(name)


def redecide(page, panel, option: str, officer: str, reason: str) -> None:
    """Unfold "Change this decision" and submit its (empty) form."""
    from playwright.sync_api import expect

    summary = panel.locator("summary", has_text="Change this decision")
    if panel.locator("details[open]").count() == 0:
        summary.click()
    box = panel.get_by_role("combobox", name="New decision")
    expect(box).to_be_visible()
    # starts empty: the placeholder, nothing of the decision on file or of a refused choice
    expect(box).to_have_value("")
    expect(box).to_have_attribute("placeholder", "Choose the new decision")
    expect(panel.get_by_label("Reason for the new decision (required, your own words)")).to_have_value("")
    choose(page, panel, "New decision", option)
    panel.get_by_label("Officer name").fill(officer)
    panel.get_by_label("Reason for the new decision (required, your own words)").fill(reason)
    panel.get_by_role("button", name="Record the new decision").click()


def refused(panel, *texts: str) -> None:
    """A red alert in the panel saying each of `texts`; no green "recorded" box beside it."""
    from playwright.sync_api import expect

    alert = panel.locator('[data-testid="stAlertContentError"]')
    for t in texts:
        expect(alert).to_contain_text(t)
    expect(panel.locator('[data-testid="stAlertContentSuccess"]')).to_have_count(0)


def test_two_tabs_deciding_and_redeciding_one_run_the_second_is_refused_visibly(app, embedder, settings):
    from playwright.sync_api import expect, sync_playwright

    url, engine = app
    run_ids = underwrite_samples(engine, embedder, settings)
    run_id = run_ids[APPLICANT]
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page_a, panel_a = open_run(browser, url, run_id)
        page_b, panel_b = open_run(browser, url, run_id)

        # first decisions: A declines; B, still showing the undecided run, confirms the APPROVE
        choose(page_a, panel_a, "Final decision", "DECLINE")
        panel_a.get_by_label("Officer name").fill("Officer A")
        panel_a.get_by_label("Reason (required to override the recommendation)").fill("Income is not verified.")
        panel_a.get_by_role("button", name="Record final decision").click()
        expect(panel_a.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("by Officer A")
        panel_b.get_by_label("Officer name").fill("Officer B")
        panel_b.get_by_label("Reason (required to override the recommendation)").fill("Tab B approves it.")
        panel_b.get_by_role("button", name="Record final decision").click()
        refused(panel_b, "Your decision (APPROVE) was not recorded", "already decided (DECLINE by Officer A")
        expect(panel_b.locator('[data-testid="stAlertContentInfo"]')).to_contain_text("Decision on file")
        page_b.screenshot(path=str(_artifact("two_officers_first_refused.png")), full_page=True)

        # re-decisions: both now show A's DECLINE; A changes it first, B's change is made on a stale view
        redecide(page_a, panel_a, "REFER", "Officer A", "Pay stubs arrived; refer for a manual review.")
        expect(panel_a.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("REFER")
        redecide(page_b, panel_b, "APPROVE", "Officer B", "Tab B still sees the decline and approves.")
        refused(panel_b, "re-decided meanwhile: it is now REFER by Officer A")

        # a re-decision without its own reason is refused too (A's form starts empty again)
        redecide(page_a, panel_a, "DECLINE", "Officer A", "")
        refused(panel_a, "a re-decision needs a written reason")
        page_a.screenshot(path=str(_artifact("two_officers_no_reason_refused.png")), full_page=True)

        # long values wrap, never cut with an ellipsis (issue 21, point 12): the run header of an
        # APPROVE_WITH_CONDITIONS, in a quarter-width metric
        page_a.goto(f"{url}/decisions?run={run_ids['Dominique Hargreave']}")
        expect(page_a.locator('[data-testid="stMetricValue"]').first).to_contain_text("APPROVE WITH CONDITIONS")
        cut = page_a.eval_on_selector_all(
            '[data-testid="stMetricValue"]',
            """els => els.filter(e =>
            [e, ...e.querySelectorAll('*')].some(c => c.scrollWidth > c.clientWidth + 1)).map(e => e.innerText)""",
        )
        assert cut == []
        browser.close()

    assert [(e, r["final_decision"], r["officer"]) for e, r in officer_records(engine, run_id)] == [
        ("officer_decision", "DECLINE", "Officer A"),
        ("officer_redecision", "REFER", "Officer A"),
    ]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT final_decision, decided_by FROM runs WHERE id = :r"), {"r": run_id}).one()
    assert tuple(stored) == ("REFER", "Officer A")


def _artifact(name: str):
    from tests.browser.support import ARTIFACTS

    return ARTIFACTS / name
