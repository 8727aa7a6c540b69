"""The regulations development set: at least 40 answerable questions, each passage on its stated page."""

from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest

from core.settings import PROJECT_ROOT
from rag.evaluation.dataset import load_dataset

pytestmark = pytest.mark.unit

REGS = PROJECT_ROOT / "seed_data" / "regulations"
DEV = REGS / "dev_questions.json"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_dev_set_loads_and_has_enough_verified_questions():
    questions = load_dataset(DEV)
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 40 and len({q.id for q in questions}) == len(questions)
    assert {q.kind for q in questions} >= {"exact_figure", "paraphrase", "procedural", "unanswerable"}


def test_every_passage_is_on_its_page_and_names_its_section():
    pdfs: dict[str, pdfium.PdfDocument] = {}
    for q in json.loads(DEV.read_text(encoding="utf-8"))["questions"]:
        for ref in q["references"]:
            pdf = pdfs.setdefault(ref["file_name"], pdfium.PdfDocument(REGS / ref["file_name"]))
            page = _flat(pdf[ref["page_num"] - 1].get_textpage().get_text_range())
            assert ref["context"] in page, (q["id"], ref["page_num"])
            assert ref["section"], q["id"]


def test_regulation_pdfs_stay_out_of_the_default_policy_corpus():
    from core.settings import Settings

    assert REGS.resolve() != Settings(_env_file=None).policy_dir.resolve()
    assert not list((PROJECT_ROOT / "seed_data" / "policies").glob("regulation_*.pdf"))
