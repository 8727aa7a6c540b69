"""Structure read from real rendered PDFs: outline, heading schemes, names, contents pages, bad input."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject

from core.errors import IngestError
from rag.chunking import chunk_document
from rag.pdf import parse_pdf
from seed_data.regulations.render import COMPILATION, REALDOCS, render_compilation
from tests.pdf_factory import write_pages_pdf, write_scanned_pdf

pytestmark = pytest.mark.unit

PROSE = (
    "The lender verifies the borrower's income with two years of tax returns and current pay stubs, "
    "and documents every large deposit with a written explanation and a source of funds statement. "
)


def chunks_of(path, size=120, overlap=10):
    doc = parse_pdf(path.read_bytes(), fallback_name=path.stem)
    return doc, chunk_document(doc, size=size, overlap=overlap)


def where(chunks, phrase):
    (hit,) = [c for c in chunks if phrase in c.text]
    return hit.page_num, hit.section, hit.subsection


def test_sections_come_from_the_outline_mapped_to_page_ranges(tmp_path):
    pages = [
        ["Agency Selling Guide", PROSE],
        ["Eligibility Topics", PROSE * 2, "Alpha marker sentence."],
        [PROSE * 2, "Bravo marker sentence."],
        ["Credit Topics", PROSE * 2, "Charlie marker sentence."],
    ]
    outline = [
        (0, "Part B, Origination", 1),
        (1, "B3-6-02, Debt-to-Income Ratios", 1),
        (1, "B3-6-03, Monthly Debt Obligations", 2),
        (0, "Part C, Credit", 3),
    ]
    path = write_pages_pdf(tmp_path / "guide.pdf", pages, title="Agency Selling Guide", outline=outline)
    doc, chunks = chunks_of(path)
    assert [h.label for h in doc.headings] == [e[1] for e in outline]
    assert where(chunks, "Alpha marker") == (2, "Part B, Origination", "B3-6-02, Debt-to-Income Ratios")
    assert where(chunks, "Bravo marker") == (3, "Part B, Origination", "B3-6-03, Monthly Debt Obligations")
    assert where(chunks, "Charlie marker") == (4, "Part C, Credit", None)


@pytest.mark.parametrize(
    "lines,phrase,expected",
    [
        (
            [
                "Chapter B3-6, Liabilities",
                PROSE,
                "B3-6-01, General Information on Liabilities",
                PROSE,
                "B3-6-02, Debt-to-Income Ratios",
                PROSE,
                "The maximum DTI marker is 45 percent.",
                PROSE,
            ],
            "maximum DTI marker",
            ("Chapter B3-6, Liabilities", "B3-6-02, Debt-to-Income Ratios"),
        ),
        (
            [
                "§ 1024.17 Escrow accounts.",
                "(a) General. " + PROSE,
                "(b) Definitions. " + PROSE,
                "(c) Limits on payments. " + PROSE,
                "(1) Charges at settlement. " + PROSE,
                "(2) Charges during the life. " + PROSE,
                "(i) First item. " + PROSE,
                "(ii) Second item. " + PROSE,
                "(vi) is not next, so this wrapped line stays body text. The cushion marker is one-sixth.",
            ],
            "cushion marker",
            ("§ 1024.17 Escrow accounts.", "§ 1024.17(c)(2)(ii) Second item."),
        ),
        (
            [
                "Chapter 4 Borrower Eligibility",
                PROSE,
                "II.A.4.b Employment History",
                PROSE,
                "The handbook marker needs two years.",
                PROSE,
            ],
            "handbook marker",
            ("Chapter 4 Borrower Eligibility", "II.A.4.b Employment History"),
        ),
        (
            [
                "1. Scope",
                PROSE,
                "2. Ratios",
                "2.1 Front End",
                PROSE,
                "2.2 Back End",
                PROSE,
                "The numbered marker is 43 percent.",
                PROSE,
            ],
            "numbered marker",
            ("2. Ratios", "2.2 Back End"),
        ),
    ],
    ids=["agency", "cfr", "handbook", "numbered"],
)
def test_each_heading_scheme_on_a_rendered_pdf(tmp_path, lines, phrase, expected):
    path = write_pages_pdf(tmp_path / "doc.pdf", [["A Title Page"], lines], title="Some Guide")
    _, chunks = chunks_of(path, size=400, overlap=20)
    assert where(chunks, phrase)[1:] == expected


@pytest.mark.parametrize("title", [None, "", "  Untitled  "])
def test_an_untitled_pdf_is_named_by_its_file(tmp_path, title):
    path = write_pages_pdf(tmp_path / "escrow_addendum_2026.pdf", [["Escrow addendum", PROSE]], title=title)
    assert parse_pdf(path.read_bytes(), fallback_name=path.stem).meta.doc_name == "escrow_addendum_2026"


def test_contents_and_index_pages_are_flagged_and_never_chunked(tmp_path):
    toc = ["Table of Contents"] + [f"{n}. Topic number {n} . . . . . . . . . . . . . {n + 2}" for n in range(1, 9)]
    index = ["Index"] + [
        f"{w}, {n}, {n + 3}" for n, w in enumerate(["Assets", "Credit", "Debts", "Escrow", "Gifts"], 2)
    ]
    body = [["1. Topic Number One", PROSE * 3], ["2. Topic Number Two", PROSE * 3]]
    path = write_pages_pdf(tmp_path / "g.pdf", [["Guide"], toc, *body, index], title="Guide", header="Guide header")
    doc, chunks = chunks_of(path)
    assert doc.page_kinds == ("body", "contents", "body", "body", "index")
    assert {c.page_num for c in chunks} == {1, 3, 4}
    assert not any(". . ." in c.text for c in chunks)
    assert [h.label for h in doc.headings] == ["1. Topic Number One", "2. Topic Number Two"]


def test_a_scanned_pdf_is_reported_as_having_no_text_layer(tmp_path):
    path = write_scanned_pdf(tmp_path / "scan.pdf", pages=3)
    with pytest.raises(IngestError, match="no text layer on any of its 3 pages"):
        parse_pdf(path.read_bytes(), fallback_name="scan")


def test_an_outline_pointing_at_missing_pages_is_ignored_with_a_warning(tmp_path, caplog):
    pages = [["Guide"], ["Real Topic", PROSE], ["More", PROSE]]
    path = write_pages_pdf(tmp_path / "o.pdf", pages, title="Guide")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.add_outline_item(title="Real Topic", page_number=1)
    ghost = writer.add_outline_item(title="Ghost Topic", page_number=2)
    ghost.get_object()[NameObject("/Dest")] = ArrayObject([NumberObject(57), NameObject("/Fit")])
    out = io.BytesIO()
    writer.write(out)
    with caplog.at_level(logging.WARNING, logger="rag.pdf"):
        doc = parse_pdf(out.getvalue(), fallback_name="o")
    assert [h.label for h in doc.headings] == ["Real Topic"]
    assert "ignored 1 entries that point at no page" in caplog.text


def test_header_filter_that_would_eat_body_text_is_not_applied(tmp_path):
    # the same body paragraph at the top of every page looks like a running header: keep it
    repeated = "Every page opens with this long repeated paragraph that is part of the body text " * 4
    pages = [[repeated, f"Page specific sentence {n}."] for n in range(6)]
    path = write_pages_pdf(tmp_path / "r.pdf", pages, title="Repetitive")
    doc = parse_pdf(path.read_bytes(), fallback_name="r")
    assert "not applied" in doc.boilerplate_note
    assert all("long repeated paragraph" in p.text for p in doc.pages)


@pytest.mark.slow
@pytest.mark.skipif(not REALDOCS.exists(), reason="the shared real-regulation corpus is not on this machine")
def test_the_long_real_document_keeps_its_structure(tmp_path):
    """The ingest benchmark's real document (both regulations and their section-by-section analysis,
    ~800 pages): one title, sections from its outline on every body chunk, contents pages kept out."""
    path = render_compilation(REALDOCS, tmp_path / COMPILATION.pdf)
    doc, chunks = chunks_of(path, size=512, overlap=50)
    assert len(doc.pages) > 700 and len(doc.text) > 3_500_000
    assert doc.meta.doc_name == COMPILATION.title
    assert len(doc.headings) > 400  # subparts, sections, interpretations and analysed paragraphs
    assert sum(doc.kind_of(i) == "contents" for i in range(len(doc.pages))) >= 5
    assert [c for c in chunks if c.section is None and c.page_num > 2] == []
    analysed = [c for c in chunks if c.section == "Section-by-Section Analysis: 12 CFR Part 1024 (Regulation X)"]
    assert len(analysed) > 100 and all(c.subsection for c in analysed)
