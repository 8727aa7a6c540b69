"""Limit tables as facts: rows found in page text with their header and caption, stored as chunks of
their own, retrieved and quoted with their page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import PolicyChunk
from rag.answer import answer, compose_answer
from rag.ingest import ingest_paths
from rag.retrieval import Retriever
from rag.retrieval.bm25 import BM25Cache, bm25_params, bm25_search
from rag.retrieval.rerank import NoOpReranker
from rag.retrieval.types import Chunk, RetrievalResult
from rag.tables import table_rows
from tests.pdf_factory import write_table_pdf
from tests.rag.support import KeywordEmbedder, retrieval_result

HEADER = "Transaction Units Maximum LTV Minimum credit score Maximum DTI"
CAPTION = "Table 3: Maximum LTV and minimum credit score by transaction"
PAGE = f"""The limits below apply to every conventional loan in this guide.
{CAPTION}
{HEADER}
Purchase 1 97% 620 45%
Purchase 2-4 85% 680 43%
Rate/term refinance 1 95% 640 45%
Cash-out refinance 1 80% 660 40%
Loans outside these limits are referred to a senior underwriter for review before any decision is made."""


def _texts(text: str) -> list[tuple[str, str]]:
    return [(text[r.start : r.end], r.context) for r in table_rows(text)]


@pytest.mark.unit
def test_each_row_is_found_with_its_caption_and_header():
    rows = _texts(PAGE)
    assert [t for t, _ in rows] == [
        "Purchase 1 97% 620 45%",
        "Purchase 2-4 85% 680 43%",
        "Rate/term refinance 1 95% 640 45%",
        "Cash-out refinance 1 80% 660 40%",
    ]
    assert {c for _, c in rows} == {f"{CAPTION}\n{HEADER}"}


@pytest.mark.unit
def test_a_wrapped_criterion_stays_one_row_and_a_continued_table_keeps_its_header():
    text = (
        "12. Summary of Limits\nThe table restates the main limits.\nRequirement Limit\nMinimum credit score 620\n"
        "One-unit primary residence, purchase or\nrate/term refinance\n97% LTV first-time homebuyer\n"
        "Second home 90% LTV (one unit only)\n\nRequirement Limit\nCash-out refinance 80% LTV\n"
        "13. Exceptions\nNo one may approve an exception."
    )
    rows = _texts(text)
    assert [t for t, _ in rows] == [
        "Minimum credit score 620",
        "One-unit primary residence, purchase or\nrate/term refinance\n97% LTV first-time homebuyer",
        "Second home 90% LTV (one unit only)",
        "Cash-out refinance 80% LTV",
    ]
    assert {c for _, c in rows} == {"Requirement Limit"}


@pytest.mark.unit
def test_a_cell_wrapped_after_its_figure_stays_with_its_row():
    # the summary table of a guide as text extraction gives it: cells wrap after the row's first figure
    text = (
        "Requirement Limit\n"
        "Total DTI ratio above 43% to 50% Compensating factors and human underwriter review\n(Overlay)\n"
        "Conforming loan limit, one unit $832,750 for 2026 ($806,500 in 2025); above it, use the\nJumbo program\n"
        "Annual premium, term over 15 years, base\nloan at or below $726,200\n0.55% above 95% LTV\n"
        "Chapter 7 bankruptcy / foreclosure waiting\nperiod\n2 years / 3 years\n"
        "Funding fee, subsequent use, under 5%\ndown\n3.30%\n"
        "Back-end DTI ratio ($2,800.17 + $650.00) /\n$9,500.00\n36.32%\n"
        "Reserves, second home 2 months of PITI"
    )
    assert [t for t, _ in _texts(text)] == [
        "Total DTI ratio above 43% to 50% Compensating factors and human underwriter review\n(Overlay)",
        "Conforming loan limit, one unit $832,750 for 2026 ($806,500 in 2025); above it, use the\nJumbo program",
        "Annual premium, term over 15 years, base\nloan at or below $726,200\n0.55% above 95% LTV",
        "Chapter 7 bankruptcy / foreclosure waiting\nperiod\n2 years / 3 years",
        "Funding fee, subsequent use, under 5%\ndown\n3.30%",
        "Back-end DTI ratio ($2,800.17 + $650.00) /\n$9,500.00\n36.32%",
        "Reserves, second home 2 months of PITI",
    ]


@pytest.mark.unit
def test_rows_without_a_figure_count_inside_a_table_but_not_after_it():
    text = (
        "Requirement Limit\nMinimum credit score 700\nInvestment property Ineligible\n"
        "Cash-out refinance Not offered\nOccupancy Primary residence only\n"
        "Upfront mortgage insurance premium 1.75% of the base loan amount\nMonthly mortgage insurance None\n"
        "Exceptions and Human Review\nA senior underwriter may approve an exception to one of our overlays with a "
        "documented rationale."
    )
    assert [t for t, _ in _texts(text)] == [
        "Minimum credit score 700",
        "Investment property Ineligible",
        "Cash-out refinance Not offered",
        "Occupancy Primary residence only",
        "Upfront mortgage insurance premium 1.75% of the base loan amount",
    ]
    # only figure-less lines under a header: no table
    assert table_rows("Requirement Limit\nInvestment property Ineligible\nCash-out refinance Not offered\n") == []


@pytest.mark.unit
def test_a_line_naming_the_table_is_its_caption_not_a_row_nor_a_header():
    text = (
        "III.B Jumbo Limits\nTable 3-1 Jumbo eligibility limits\nCriterion Requirement\n"
        "Lowest qualifying credit score 720\nHighest debt-to-income ratio 40%\n"
        "No exception is available to the limits in Table 3-1.\n"
        "Table of Contents\nMS-3(A)—Model Form for Force-Placed Insurance Notice\n1024.37(c)(2)\n"
        "MS-3(B)—Model Form for Force-Placed Insurance Notice\n1024.37(d)(2)(i)\n"
    )
    assert _texts(text) == [
        ("Lowest qualifying credit score 720", "Table 3-1 Jumbo eligibility limits\nCriterion Requirement"),
        ("Highest debt-to-income ratio 40%", "Table 3-1 Jumbo eligibility limits\nCriterion Requirement"),
    ]


@pytest.mark.unit
def test_prose_headings_and_labels_are_not_tables():
    prose = (
        "4.2 Maximum LTV\nThe maximum LTV for a one-unit primary residence purchase or rate/term refinance is 97% for\n"
        "first-time homebuyers and 95% for all other borrowers. Loans above 95% LTV must be fixed-rate.\n"
        "Cushion: One-sixth of estimated annual disbursements\nSettlement: May 15\nFirst Payment: July 1\n"
        "8.1 Funding Fee\n8.2 Funding Fee Exemptions\n"
    )
    assert table_rows(prose) == []


def _result(*chunks: Chunk) -> RetrievalResult:
    return retrieval_result(*chunks, score=0.5)


@pytest.mark.unit
def test_a_table_line_inside_a_longer_chunk_is_scored_under_its_header_like_its_row_chunk():
    """The answerer reads a row under its column header; the same line quoted from the section's chunk
    (not the row's own chunk) is read the same way, so its score does not depend on which chunk won."""
    row = "Cash-out refinance 1 80% 660 40%"
    section = Chunk(id=1, text=PAGE, doc_name="Guide", page_num=2, page_end=2)
    row_chunk = Chunk(id=2, text=row, doc_name="Guide", page_num=2, page_end=2, context=f"{CAPTION}\n{HEADER}")
    # KeywordEmbedder: a text reads "dti" only through the header ("... Maximum DTI")
    quoted = compose_answer("DTI", _result(section), embedder=KeywordEmbedder(), min_score=0.5, max_sentences=3)
    alone = compose_answer("DTI", _result(row_chunk), embedder=KeywordEmbedder(), min_score=0.5, max_sentences=3)
    scores = {s.text: s.score for s in quoted.sentences}
    assert row in scores and scores[row] == pytest.approx(alone.sentences[0].score) == pytest.approx(1.0)
    assert {s.chunk_id for s in quoted.sentences} == {1}


@pytest.fixture
def limits_guide(tmp_path):
    prose = ["This section states the limits of the program. " * 12, "Each limit applies to the loan as a whole. " * 12]
    return write_table_pdf(
        tmp_path / "limits.pdf",
        title="Cedar Limits Guide",
        heading="4. Eligibility Limits",
        prose=prose,
        caption=CAPTION,
        rows=[
            ["Transaction", "Units", "Maximum LTV", "Minimum credit score", "Maximum DTI"],
            ["Purchase", "1", "97%", "620", "45%"],
            ["Purchase", "2-4", "85%", "680", "43%"],
            ["Rate/term refinance", "1", "95%", "640", "45%"],
            ["Cash-out refinance", "1", "80%", "660", "40%"],
        ],
        after=["Loans outside these limits are referred to a senior underwriter. " * 10],
    )


@pytest.mark.integration
@pytest.mark.parametrize("tables", [True, False])
def test_a_table_row_is_retrieved_and_quoted_with_its_header_and_page(
    tables, limits_guide, empty_db, embedder, settings
):
    settings = settings.model_copy(update={"table_rows": tables})
    (report,) = ingest_paths([limits_guide], session_factory=empty_db, embedder=embedder, settings=settings)
    assert report.status == "ingested"
    retriever = Retriever(session_factory=empty_db, embedder=embedder, reranker=NoOpReranker(), settings=settings)
    question = "What is the minimum credit score for a cash-out refinance?"
    hits = [h.chunk for h in retriever.retrieve(question, k=3).chunks]
    with empty_db() as session:
        rows = session.scalars(select(PolicyChunk).where(PolicyChunk.context.is_not(None))).all()
    if not tables:  # the same guide without row chunks: the answer is buried in the section's one chunk
        assert rows == [] and hits[0].context is None and len(hits[0].text.split()) > 100
        return
    assert len(rows) == 4
    # the row is retrieved on its own (dense search finds it; its section's chunk, which BM25 reads, holds it too)
    row = next(c for c in hits if c.context)
    assert row.text == "Cash-out refinance 1 80% 660 40%"
    assert row.context == f"{CAPTION}\n{HEADER}" and row.page_num == row.page_end == 2
    reply = answer(question, retriever=retriever, k=3)
    assert reply.sentences[0].text == "Cash-out refinance 1 80% 660 40%"
    assert reply.sentences[0].citation.page_num == 2
    assert HEADER in reply.text and "Cash-out refinance 1 80% 660 40%" in reply.text
    assert reply.sentences[0].table == f"{CAPTION}\n{HEADER}"  # what the explorer's citation card shows


@pytest.mark.integration
def test_bm25_reads_a_table_in_its_sections_chunk_not_as_row_documents(limits_guide, empty_db, embedder, settings):
    """A row's words are already in its section's chunk: BM25 indexes them once (a second document would count
    them twice in its document frequencies), unless BM25_TABLE_ROWS asks for rows. Dense search still lists the
    row on its own."""
    settings = settings.model_copy(update={"table_rows": True})
    ingest_paths([limits_guide], session_factory=empty_db, embedder=embedder, settings=settings)
    query = "cash-out refinance minimum credit score"
    with empty_db() as session:
        row_ids = set(session.scalars(select(PolicyChunk.id).where(PolicyChunk.context.is_not(None))).all())
        index = BM25Cache(settings.bm25_backend, bm25_params(settings)).get(session=session)
        hits = bm25_search(session=session, index=index, query=query, k=3)
        rows_on = settings.model_copy(update={"bm25_table_rows": True})
        with_rows = BM25Cache(rows_on.bm25_backend, bm25_params(rows_on)).get(session=session)
    assert len(row_ids) == 4 and not row_ids & {int(i) for i in index.ids}
    assert "Cash-out refinance 1 80% 660 40%" in hits[0].chunk.text and hits[0].chunk.context is None
    assert row_ids <= {int(i) for i in with_rows.ids}
    retriever = Retriever(session_factory=empty_db, embedder=embedder, reranker=NoOpReranker(), settings=settings)
    dense = next(s for s in retriever.retrieve("cash-out refinance", k=3).trace.stages if s.stage == "dense")
    assert any(h.chunk.id in row_ids for h in dense.hits)


@pytest.mark.unit
def test_a_wrapped_row_inside_a_longer_chunk_is_quoted_whole_under_its_header():
    from rag.answer import _spans
    from tests.rag.support import guide_chunk

    text = (
        "11. Summary of Limits\nThe table restates the main limits.\nRequirement Limit\nTotal DTI guideline 41%\n"
        "Funding fee, subsequent use, under 5%\ndown\n3.30%\nMonthly mortgage insurance None\n"
        "Chapter 7 bankruptcy / foreclosure waiting\nperiod\n2 years / 2 years"
    )
    chunk = guide_chunk(text)
    quoted = [(text[s:e], context) for s, e, context in _spans(chunk)]
    assert ("Funding fee, subsequent use, under 5%\ndown\n3.30%", "Requirement Limit") in quoted
    assert not any(t in {"down", "3.30%", "period"} for t, _ in quoted)
