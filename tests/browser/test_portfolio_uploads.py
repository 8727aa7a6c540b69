"""Two different HMDA slices uploaded in a row on the Portfolio page: no row of the second is refused as a
duplicate (issue 21, point 4). HMDA rows used to get "HMDA-<row>" IDs, so a second file's rows 1..N were
refused "application_id: is already used by another application". In real Chromium against
`streamlit run app.py`: each upload is underwritten in full, and the database holds both files' applications.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import text

from agents.batch.hmda import HMDA_COLUMNS, Unmappable, to_application
from core.errors import InvalidApplication
from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, serve

pytestmark = pytest.mark.browser
DB = "lg_browser_portfolio"
SLICE = PROJECT_ROOT / "seed_data" / "hmda" / "hmda_2022_slice.csv"
ROWS = 5  # mappable rows per upload


def mappable_slice(start: int) -> str:
    """A HMDA file of the first ROWS mappable rows of the committed slice from data row `start` on (other
    borrowers for another `start`), numbered from row 1 again in their own file, as a real extract would be."""
    with SLICE.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, picked = reader.fieldnames, []
        for n, row in enumerate(reader, 1):
            if n < start:
                continue
            try:
                validate_application(to_application(row, len(picked) + 1, file_key="0" * 64).application)
            except (Unmappable, InvalidApplication):
                continue
            picked.append(row)
            if len(picked) == ROWS:
                break
    assert HMDA_COLUMNS <= set(header) and len(picked) == ROWS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(picked)
    return out.getvalue()


@pytest.fixture(scope="module")
def app(clone_seeded, settings):
    yield from serve(clone_seeded, settings, DB)


def upload_and_run(page, path, name: str) -> None:
    from playwright.sync_api import expect

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    # the server holds this file (a click while it still uploads would run the file before it)
    expect(page.get_by_text(f"Ready to run: {name} ({path.stat().st_size:,} bytes)")).to_be_visible()
    page.get_by_role("button", name="Run batch").click()
    # the batch picker then shows the batch just run, by its file name; its summary says nothing was refused
    expect(page.get_by_role("combobox", name="Batch")).to_have_value(re.compile(rf"· {re.escape(name)}$"))
    expect(page.locator('[data-testid="stAlertContentSuccess"]').first).to_contain_text(
        f"Batch completed: {ROWS} decided, 0 already decided, 0 refused, 0 not decided."
    )


def test_two_different_hmda_slices_uploaded_in_a_row_are_both_underwritten_in_full(app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, engine = app
    first, second = tmp_path / "hmda_rows_a.csv", tmp_path / "hmda_rows_b.csv"
    first.write_text(mappable_slice(1), encoding="utf-8")
    second.write_text(mappable_slice(201), encoding="utf-8")
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{url}/portfolio")
        page.get_by_text("Upload a file", exact=True).first.click()
        upload_and_run(page, first, first.name)
        upload_and_run(page, second, second.name)
        expect(page.get_by_text("already used by another application")).to_have_count(0)
        browser.close()

    with engine.connect() as conn:
        batches = conn.execute(
            text("SELECT file_name, status, jsonb_array_length(refused) FROM batches ORDER BY created_at")
        ).all()
        refs = conn.execute(
            text(
                "SELECT count(DISTINCT a.application_ref) FROM batch_items i JOIN runs r "
                "ON r.id = i.run_id JOIN applications a ON a.id = r.application_id"
            )
        ).scalar_one()
    assert [tuple(b) for b in batches] == [(first.name, "completed", 0), (second.name, "completed", 0)]
    assert refs == 2 * ROWS
