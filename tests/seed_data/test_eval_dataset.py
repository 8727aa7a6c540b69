"""The held-out retrieval/QA evaluation set: shape, coverage, and every reference checked against the PDFs.

The set is for evaluation only; nothing may be trained or tuned on it. These checks make sure each
reference really points at the page and section that support its answer, so a retrieval score computed
from it means what it says.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pytest
from pypdf import PdfReader

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

DATASET = PROJECT_ROOT / "seed_data" / "loan_eval_dataset.json"
POLICY_DIR = PROJECT_ROOT / "seed_data" / "policies"

KINDS = {"exact_figure", "paraphrase", "acronym", "full_term", "procedural", "unanswerable"}
MIN_QUESTIONS = 40
MIN_UNANSWERABLE = 3
MIN_REFS_PER_DOC = 3

# "1. Purpose and Scope" or "3.1 Minimum Credit Score", alone on a line
HEADING = re.compile(r"^\d+\.(?:\d+)? [A-Z]")
RUNNING_TEXT = ("Credit Policy Library", "| Version ", "| Page ")
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")

# Words a paraphrase may share with its passage: function words only.
STOPWORDS = set(
    """a an the and or but nor of to in on at by for from with without into onto over under about after
    before than then so if as is are was were be been being am do does did doing have has had having can
    could will would shall should may might must i me my mine we us our you your he she it its they them
    their this that these those there here what which who whom whose when where why how much many any all
    each every some no not only also just still more most other up out down off again very too own same
    get got go goes""".split()
)


def normalise(text: str) -> str:
    return " ".join(text.split())


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "ly", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", ""))
    return {_stem(w) for w in words if w not in STOPWORDS and len(w) > 1}


@dataclass(frozen=True)
class PolicyPdf:
    title: str
    pages: tuple[str, ...]  # normalised text of each page
    page_starts: tuple[int, ...]  # offset of each page in `text`
    text: str  # the pages joined by single spaces
    headings: tuple[tuple[int, str], ...]  # (offset in `text`, heading line), in document order


@cache
def load_pdf(file_name: str) -> PolicyPdf:
    """Read one policy PDF once per test session."""
    reader = PdfReader(POLICY_DIR / file_name)
    pages: list[str] = []
    starts: list[int] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    for page in reader.pages:
        starts.append(offset)
        parts: list[str] = []
        pos = offset
        for raw in (page.extract_text() or "").splitlines():
            line = normalise(raw)
            if not line:
                continue
            if HEADING.match(line):
                headings.append((pos, line))
            parts.append(line)
            pos += len(line) + 1
        page_text = " ".join(parts)
        pages.append(page_text)
        offset += len(page_text) + 1
    return PolicyPdf(
        title=(reader.metadata.title if reader.metadata else None) or "",
        pages=tuple(pages),
        page_starts=tuple(starts),
        text=" ".join(pages),
        headings=tuple(headings),
    )


def load_dataset() -> dict:
    return json.loads(DATASET.read_text(encoding="utf-8"))


DATA = load_dataset()
QUESTIONS = DATA["questions"]
REFERENCES = [(q["id"], i, ref) for q in QUESTIONS for i, ref in enumerate(q["references"])]


def test_top_level_shape():
    assert DATA["version"] == "1.0"
    assert DATA["description"].strip()
    assert isinstance(QUESTIONS, list)


def test_question_count_and_ids():
    assert len(QUESTIONS) >= MIN_QUESTIONS
    ids = [q["id"] for q in QUESTIONS]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids)


def test_every_kind_is_present():
    kinds = Counter(q["kind"] for q in QUESTIONS)
    assert set(kinds) == KINDS, kinds
    assert kinds["unanswerable"] >= MIN_UNANSWERABLE


def test_every_document_is_referenced():
    pdfs = sorted(p.name for p in POLICY_DIR.glob("*.pdf"))
    assert pdfs, "no policy PDFs found"
    per_doc = Counter(ref["file_name"] for _, _, ref in REFERENCES)
    short = {name: per_doc[name] for name in pdfs if per_doc[name] < MIN_REFS_PER_DOC}
    assert not short, f"documents referenced fewer than {MIN_REFS_PER_DOC} times: {short}"


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_question_fields(q):
    assert set(q) == {"id", "question", "kind", "answerable", "ground_truth", "references"}
    assert q["kind"] in KINDS
    assert q["question"].strip().endswith("?")
    assert q["ground_truth"].strip()
    if q["kind"] == "unanswerable":
        assert q["answerable"] is False
        assert q["references"] == []
    else:
        assert q["answerable"] is True
        assert q["references"], "an answerable question needs at least one reference"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q["kind"] == "paraphrase"], ids=lambda q: q["id"])
def test_paraphrase_shares_no_content_words_with_its_passage(q):
    passage = " ".join(ref["context"] for ref in q["references"])
    shared = content_words(q["question"]) & content_words(passage)
    assert not shared, f"{q['id']} shares {sorted(shared)} with its passage"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q["kind"] == "acronym"], ids=lambda q: q["id"])
def test_acronym_question_uses_an_acronym(q):
    assert ACRONYM.search(q["question"])


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q["kind"] == "full_term"], ids=lambda q: q["id"])
def test_full_term_question_uses_no_acronym(q):
    assert not ACRONYM.search(q["question"]), q["question"]


@pytest.mark.parametrize(("qid", "index", "ref"), REFERENCES, ids=[f"{qid}-ref{i}" for qid, i, _ in REFERENCES])
def test_reference_points_at_supporting_text(qid, index, ref):
    assert set(ref) - {"also_stated"} == {"doc_name", "file_name", "page_num", "section", "context"}
    assert (POLICY_DIR / ref["file_name"]).is_file(), ref["file_name"]
    pdf = load_pdf(ref["file_name"])
    assert ref["doc_name"] == pdf.title

    page_num = ref["page_num"]
    assert isinstance(page_num, int) and 1 <= page_num <= len(pdf.pages)

    context = normalise(ref["context"])
    assert len(context) >= 20
    assert not any(s in context for s in RUNNING_TEXT), "context must not be header or footer text"
    page = pdf.pages[page_num - 1]
    at = page.find(context)
    assert at >= 0, f"context not on page {page_num} of {ref['file_name']}"

    # the section is a heading of this document, and the nearest heading before the context
    section = ref["section"]
    assert section in {line for _, line in pdf.headings}, f"{section!r} is not a heading line"
    position = pdf.page_starts[page_num - 1] + at
    preceding = [line for offset, line in pdf.headings if offset <= position]
    assert preceding and preceding[-1] == section, (
        f"context sits under {preceding[-1] if preceding else None!r}, not {section!r}"
    )


ALSO_STATED = [(qid, ref) for qid, _, ref in REFERENCES if ref.get("also_stated")]


def test_the_audited_pages_cover_the_summary_tables():
    """Issue 24's audit: the facts each program guide restates in its summary-of-limits table."""
    assert len(ALSO_STATED) >= 15


@pytest.mark.parametrize(("qid", "ref"), ALSO_STATED, ids=[qid for qid, _ in ALSO_STATED])
def test_an_also_stated_page_holds_every_quote_verbatim(qid, ref):
    """A page counted as stating a reference's fact quotes it there: each quote (the summary table's
    rows, as text extraction joins them) is on that page of the same document, not on the reference's."""
    pdf = load_pdf(ref["file_name"])
    for other in ref["also_stated"]:
        assert set(other) == {"page_num", "quotes"}
        assert other["page_num"] != ref["page_num"]
        page = pdf.pages[other["page_num"] - 1]
        assert other["quotes"]
        for quote in other["quotes"]:
            assert normalise(quote) in page, f"{qid}: {quote!r} not on page {other['page_num']} of {ref['file_name']}"
