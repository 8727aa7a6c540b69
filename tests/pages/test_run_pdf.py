"""The decision summary PDF of a stored run, on the Decisions page: the itemised debts and assets, the final
decision, the officer and the reason as stored now (issue 21, PDF)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from dashboard.run_detail import decision_target
from dashboard.run_pdf import run_pdf
from dashboard.run_tables import load_run

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "decisions.py")
DB = "lg_pages_run_pdf"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_of_a_decided_run_reads_the_final_decision_officer_reason_and_money(use_db, run_ids):
    use_db(DB)
    from core.db import get_sessionmaker

    run_id = run_ids["Lucinda Ferreira-Holt"]  # DECLINE recommended, REFER by R. Alvarez with a reason
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["selected_run_id"] = run_id
    at.run()
    assert not at.exception, at.exception
    buttons = [e for e in at.get("download_button") if "decision summary (PDF)" in str(e.proto)]
    assert len(buttons) == 1  # offered beside the officer panel, not only right after a new run

    final = decision_target(load_run(get_sessionmaker(), run_id)).final  # as stored, as the page reads it
    text = text_of(run_pdf(get_sessionmaker(), run_id, final))
    assert "Final decision REFER by R. Alvarez" in text and "(override)" in text
    assert "Officer's reason: Verified a pending raise; refer for manual review." in text
    assert "Recommendation DECLINE" in text
    assert "Monthly debts counted in the DTI $" in text and "Debts and assets" in text
    assert "***-**-" in text


def test_an_undecided_stored_run_prints_pending_and_an_unknown_run_prints_nothing(use_db, run_ids):
    use_db(DB)
    from core.db import get_sessionmaker

    text = text_of(run_pdf(get_sessionmaker(), run_ids["Maribel Okafor"], None))
    assert "Final decision pending loan officer review" in text and "Recommendation APPROVE" in text
    assert run_pdf(get_sessionmaker(), "not-a-run", None) is None
