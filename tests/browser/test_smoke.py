"""Browser smoke test: the real app in headless Debian Chromium, driven by Playwright.

Starts `streamlit run app.py` on a free localhost port against a copy of the seeded test
database, submits a sample application from the Overview, waits for the decision card, opens
the citation explorer for that run and the decisions table, and saves screenshots (and the
submit-to-card timings) under test-artifacts/browser/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
DB = "lg_browser"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def app_url(clone_seeded, settings):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make browser-deps installs it)")
    clone_seeded(DB).dispose()
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": DB, "DATABASE_URL": "",
           "LLM_PROVIDER": "offline", "AGENT_PROVIDERS": "{}"}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "streamlit.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_submit_sample_see_decision_then_explore_citations(app_url):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(app_url)
        expect(page.get_by_text("Knowledge base")).to_be_visible()
        expect(page.get_by_text("Recent decisions")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

        page.get_by_role("button", name="Try a sample application").click()
        clicked = time.perf_counter()
        page.locator(".st-key-agent-card-intake").first.wait_for(state="attached")
        first_card_s = time.perf_counter() - clicked
        page.locator(".st-key-decision-card").first.wait_for()
        decision_s = time.perf_counter() - clicked
        expect(page.locator(".st-key-decision-card").first).to_contain_text("APPROVE")
        page.screenshot(path=str(ARTIFACTS / "new_application.png"), full_page=True)

        page.get_by_role("link", name="Citation explorer").click()
        expect(page.get_by_text("Dense").first).to_be_visible()
        expect(page.get_by_text("Retrieval traces").first).to_be_visible()
        expect(page.get_by_text("Citations (").first).to_be_visible()
        page.locator("img").first.wait_for()  # the cited PDF page, rendered
        page.screenshot(path=str(ARTIFACTS / "citation_explorer.png"), full_page=True)

        page.get_by_role("link", name="Decisions").click()
        expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "decisions.png"), full_page=True)
        browser.close()
    timings = {"submit_to_first_agent_card_s": round(first_card_s, 2), "submit_to_decision_card_s": round(decision_s, 2)}
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=2))
    print(f"browser timings: {timings}")
    assert first_card_s < decision_s
