"""Issue 10, bugs (d), (g), (i) at module level, through public names the old and the new code share
(see docs/history/issue10-fail-before.md).

Not collected by `make test`: `docs/history/issue10_fail_before/run.sh` copies it into tests/pages/ of a checkout.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from agents.runs import RunRow
from core.errors import InvalidApplication
from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from dashboard.application_fields import application_from_state, default_state
from dashboard.decision_pdf import decision_pdf
from dashboard.run_tables import frame_csv, runs_frame
from tests.dashboard.test_decision_pdf import application, events, text_of

pytestmark = pytest.mark.unit


def test_a_blank_form_invents_nothing_every_figure_is_required():
    """(d) The blank form carried believable figures: only name and SSN were refused."""
    with pytest.raises(InvalidApplication) as err:
        validate_application(application_from_state(default_state()))
    required = {name for name, message in err.value.field_errors.items() if message == "is required"}
    assert {"credit_score", "monthly_income", "loan_amount", "property_value"} <= required, (
        f"a blank form is refused only for {sorted(err.value.field_errors)}"
    )


def test_neither_form_submits_on_enter():
    """(d) Enter in any field submitted the application (or the officer's decision). A source check:
    AppTest cannot press Enter, and the browser test does not type into these forms."""
    from dashboard import application_form, officer_decision

    missing = [
        m.__name__
        for m in (application_form, officer_decision)
        if "enter_to_submit=False" not in open(m.__file__).read()
    ]
    assert not missing, f"forms that submit on Enter: {missing}"


def test_a_chinese_or_emoji_name_prints_with_embedded_unicode_fonts():
    """(g) A name with Chinese characters printed as black boxes (Helvetica has no such glyphs)."""
    pdf = decision_pdf(events("APPROVE"), {**application(), "applicant_name": "李明 Zoë"})
    _, text = text_of(pdf)
    fonts = sorted(
        {str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages for f in page["/Resources"]["/Font"].values()}
    )
    assert "李明 Zoë" in text, f"the name reads back as {text[text.find('Name') :][:24]!r}; fonts {fonts}"


def test_a_name_starting_with_equals_is_neutralised_in_the_csv():
    """(g) A name starting with = went into the CSV export unescaped (spreadsheet formula injection)."""
    values = {
        "run_id": "r-1",
        "started_at": datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        "applicant": '=HYPERLINK("x")',
        "loan_type": "va",
        "loan_amount": 250000.0,
        "status": "completed",
        "recommendation": "APPROVE",
        "final_decision": None,
        "latency_ms": 1234.0,
        "cost_usd": 0.0021,
        "errors": 1,
    }
    row = RunRow(**{f.name: values.get(f.name) for f in dataclasses.fields(RunRow)})
    text = frame_csv(runs_frame([row])).decode()
    assert "'=HYPERLINK" in text, f"the CSV cell is a live formula: {text.splitlines()[1]}"


def test_the_favicon_is_a_file_served_by_the_app(monkeypatch):
    """(i) The page icon was a Material symbol the browser fetched from the internet."""
    import streamlit as st

    seen: dict = {}

    class Stop(Exception):
        pass

    def capture(**kwargs):
        seen.update(kwargs)
        raise Stop  # nothing after the page config is needed

    monkeypatch.setattr(st, "set_page_config", capture)
    AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    icon = str(seen.get("page_icon"))
    assert icon.startswith(str(PROJECT_ROOT)) and (PROJECT_ROOT / icon).is_file(), f"page_icon={icon!r}"
