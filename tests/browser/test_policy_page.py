"""Browser: a credit-policy person opens the Policy page, checks a candidate rulebook, enters their name
and publishes it; the new publication is listed with them as its approver."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from tests.browser.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, WAIT_MS, serve

pytestmark = pytest.mark.browser
DB = "lg_browser_policy"


@pytest.fixture(scope="module")
def policy_app(clone_seeded, settings):
    """(url, engine) of `streamlit run app.py` on its own copy of the seeded database."""
    yield from serve(clone_seeded, settings, DB)


def test_a_candidate_is_checked_and_published_from_the_policy_page(policy_app):
    from playwright.sync_api import expect, sync_playwright

    url, engine = policy_app
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        with engine.connect() as conn:  # the seed publication's id (a copy starts where the template's sequence stood)
            first = conn.execute(text("SELECT max(id) FROM policy_publications")).scalar_one()
        page.goto(f"{url}/policy")
        expect(page.get_by_role("heading", name="Published rulebook")).to_be_visible()
        expect(page.get_by_text(f"Publication {first}:")).to_be_visible()

        page.get_by_role("button", name="Check candidate").click()
        expect(page.get_by_text("Every rule and inventory sentence is verified")).to_be_visible()
        page.get_by_role("button", name="Publish").click()  # no approver yet: refused
        expect(page.get_by_text("Enter the approver's name")).to_be_visible()

        page.get_by_label("Approver").fill("Dana Policy")
        page.get_by_label("Approver").press("Enter")
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text(re.compile(r"Published as publication \d+ by Dana Policy"))).to_be_visible()
        with engine.connect() as conn:
            new = conn.execute(text("SELECT max(id) FROM policy_publications")).scalar_one()
        assert new > first
        expect(page.get_by_text(f"Published as publication {new} by Dana Policy")).to_be_visible()
        expect(page.get_by_text(f"Publication {new}:")).to_be_visible()  # the page now shows the new publication
        page.screenshot(path=str(ARTIFACTS / "policy.png"), full_page=True)
        browser.close()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT id, approver, how FROM policy_publications ORDER BY id DESC LIMIT 1")).one()
    assert tuple(row) == (new, "Dana Policy", "published")
