"""Dense windows: a long chunk is searched by every window of its words, not only by its first 256 tokens."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from core.models import PolicyChunk, PolicyChunkWindow, PolicyDocument
from rag.chunking import dense_windows
from rag.ingest import ingest_paths
from rag.retrieval.dense import dense_search
from tests.pdf_factory import write_policy_pdf
from tests.rag.support import unit_vector

ESCROW = [
    "The servicer must analyze each escrow account at the end of the computation year.",
    "An escrow statement lists every payment into and out of the account during the year.",
    "A shortage of less than one month's payment may be collected in the following year.",
    "The servicer may require a cushion of no more than one sixth of the estimated disbursements.",
    "Taxes and hazard insurance premiums are paid from the account when they fall due.",
    "A surplus of fifty dollars or more is refunded to the borrower within thirty days.",
]
FACT = "A borrower whose income comes from beekeeping must document honey sales for the two most recent years."
QUESTION = "How many years of honey sales must a beekeeper document?"


def long_section_words() -> tuple[str, int]:
    """About 520 words of escrow prose with FACT starting past word 380 (the chunk's second half)."""
    words: list[str] = []
    i = 0
    while len(words) < 380:
        words += ESCROW[i % len(ESCROW)].split()
        i += 1
    at = len(words)
    words += FACT.split()
    while len(words) < 440:
        words += ESCROW[i % len(ESCROW)].split()
        i += 1
    return " ".join(words), at


def write_guide(path):
    body, _ = long_section_words()
    return write_policy_pdf(
        path,
        title="Escrow and Income Guide",
        sections={
            "1 Escrow Accounts": ["1.1 Annual Analysis", body],
            "2 Farm Income": [
                "2.1 Agricultural Income",
                "Income from crops and livestock is averaged over the "
                "two most recent tax years and documented with the borrower's federal returns.",
            ],
            "3 Rental Income": [
                "3.1 Leases",
                "Rental income is documented with a signed lease and the most recent "
                "federal tax return showing the property's income and expenses.",
            ],
            "4 Self-Employment": [
                "4.1 Business Income",
                "A self-employed borrower documents two years of business "
                "income with personal and business tax returns and a profit and loss statement.",
            ],
        },
    )


def test_dense_windows_are_the_later_word_windows():
    text = " ".join(f"w{i}" for i in range(300))
    windows = dense_windows(text, 160, 40)
    assert [w.split()[0] for w in windows] == ["w120", "w240"] and windows[-1].split()[-1] == "w299"
    assert dense_windows(text, 0, 0) == [] and dense_windows("short text", 160, 40) == []


@pytest.mark.integration
@pytest.mark.parametrize("window_words", [160, 0])
def test_a_fact_in_the_second_half_of_a_512_word_chunk_is_found_by_dense_search(
    window_words, tmp_path, empty_db, embedder, settings
):
    settings = settings.model_copy(update={"dense_window_words": window_words})
    (report,) = ingest_paths(
        [write_guide(tmp_path / "guide.pdf")], session_factory=empty_db, embedder=embedder, settings=settings
    )
    assert report.status == "ingested"
    with empty_db() as session:
        long_chunk = session.scalar(select(PolicyChunk).where(PolicyChunk.text.contains("beekeeping")))
        assert len(long_chunk.text.split()) >= 400
        assert long_chunk.text.split().index("beekeeping") > 256  # past what the encoder reads of it
        windows = session.scalars(select(PolicyChunkWindow).where(PolicyChunkWindow.chunk_id == long_chunk.id)).all()
        hits = dense_search(session=session, query_vec=embedder.embed_query(QUESTION), k=3)
    if window_words:
        assert len(windows) >= 2
        assert hits[0].chunk.id == long_chunk.id
        best_window = max(float(np.dot(embedder.embed_query(QUESTION), np.asarray(w.embedding))) for w in windows)
        assert hits[0].score == pytest.approx(best_window, abs=1e-5)
    else:  # the same corpus without windows: the chunk's one vector reads only its escrow prose
        assert windows == []
        assert hits[0].chunk.id != long_chunk.id


@pytest.mark.integration
def test_windows_follow_their_chunk_through_filters(tmp_path, empty_db, embedder, settings):
    """A superseded chunk's windows are not searched, like the chunk itself."""
    (report,) = ingest_paths(
        [write_guide(tmp_path / "guide.pdf")], session_factory=empty_db, embedder=embedder, settings=settings
    )
    assert report.status == "ingested"
    with empty_db() as session:
        doc = session.scalar(select(PolicyDocument))
        session.execute(
            PolicyChunk.__table__.update()
            .where(PolicyChunk.document_id == doc.id)
            .values(superseded_at=doc.ingested_at)
        )
        assert dense_search(session=session, query_vec=embedder.embed_query(QUESTION), k=3) == []


@pytest.mark.integration
def test_a_window_counts_its_margin_less_than_a_chunks_own_vector(empty_db):
    """Chunk A's own vector scores 0.8 against the query; chunk B's later window scores 0.85: B wins
    without a margin and loses with a margin of 0.1 (scored 0.75)."""
    with empty_db() as session:
        doc = PolicyDocument(
            file_name="m.pdf", content_hash="m".ljust(64, "0"), doc_name="M", programs=[], page_count=1
        )
        a = PolicyChunk(
            chunk_index=0,
            text="a",
            doc_name="M",
            page_num=1,
            page_end=1,
            char_offset=0,
            char_end=1,
            programs=[],
            embedding=unit_vector(0.8, 0.6),
        )
        b = PolicyChunk(
            chunk_index=1,
            text="b",
            doc_name="M",
            page_num=1,
            page_end=1,
            char_offset=2,
            char_end=3,
            programs=[],
            embedding=unit_vector(0.0, 1.0),
        )
        b.windows = [PolicyChunkWindow(window_index=1, embedding=unit_vector(0.85, np.sqrt(1 - 0.85**2)))]
        doc.chunks = [a, b]
        session.add(doc)
        session.flush()
        query = unit_vector(1.0)
        plain = dense_search(session=session, query_vec=query, k=2)
        margin = dense_search(session=session, query_vec=query, k=2, window_margin=0.1)
    assert [h.chunk.text for h in plain] == ["b", "a"] and plain[0].score == pytest.approx(0.85, abs=1e-5)
    assert [h.chunk.text for h in margin] == ["a", "b"] and margin[1].score == pytest.approx(0.75, abs=1e-5)
