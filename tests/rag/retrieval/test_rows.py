"""One table, one slot: a retriever's list keeps one row of each table, and a row's vector concedes the
window margin to a chunk's own (rag.retrieval.rows, rag.retrieval.dense)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.models import PolicyChunk, PolicyDocument
from rag.retrieval.dense import dense_search
from rag.retrieval.rows import rows_per_table
from rag.retrieval.types import ScoredChunk
from tests.rag.support import guide_chunk, unit_vector

SUMMARY = "FHA Insured Loan Program Guide / 11. Summary of Limits\nRequirement Limit"


def _row(text: str, doc: str = "FHA", context: str = SUMMARY) -> ScoredChunk:
    return ScoredChunk(replace(guide_chunk(text), doc_name=doc, context=context), 0.5)


def _body(text: str, doc: str = "FHA") -> ScoredChunk:
    return ScoredChunk(replace(guide_chunk(text), doc_name=doc), 0.5)


@pytest.mark.unit
def test_a_table_keeps_its_best_row_and_the_next_sources_move_up():
    hits = [
        _row("Credit score 500 to 579 90% LTV"),
        _row("Credit score 580 or higher 96.5% LTV"),
        _body("A credit score from 500 to 579 limits the maximum LTV to 90%."),
        _row("Minimum credit score 500"),
        _row("Minimum credit score 580", doc="VA"),  # another document's table with the same header
        _body("Gifts may come from a family member."),
    ]
    kept = rows_per_table(hits, k=4, per_table=1)
    assert [h.chunk.text for h in kept] == [
        "Credit score 500 to 579 90% LTV",
        "A credit score from 500 to 579 limits the maximum LTV to 90%.",
        "Minimum credit score 580",
        "Gifts may come from a family member.",
    ]
    assert [h.chunk.text for h in rows_per_table(hits, k=3, per_table=2)] == [h.chunk.text for h in hits[:3]]
    assert rows_per_table(hits, k=10, per_table=0) == hits  # 0: every row


@pytest.mark.integration
def test_dense_search_gives_a_table_one_slot_and_its_rows_the_window_margin(empty_db):
    """Three rows of one table score 0.9, 0.89 and 0.87 against the question, the guide's rule 0.85 and an
    unrelated chunk 0.5. Without the rule the rows take the first three places; with it the best row
    concedes the margin (0.9 - 0.07 = 0.83), the rule comes first and the other rows make way."""
    with empty_db() as session:
        doc = PolicyDocument(
            file_name="g.pdf", content_hash="g".ljust(64, "0"), doc_name="G", programs=[], page_count=2
        )

        def chunk(i: int, text: str, cosine: float, context: str | None = None) -> PolicyChunk:
            return PolicyChunk(
                chunk_index=i,
                text=text,
                doc_name="G",
                page_num=1 if context is None else 2,
                page_end=1 if context is None else 2,
                char_offset=10 * i,
                char_end=10 * i + 5,
                programs=[],
                context=context,
                embedding=unit_vector(cosine, np.sqrt(1 - cosine**2)),
            )

        doc.chunks = [
            chunk(0, "rule", 0.85),
            chunk(1, "other", 0.5),
            chunk(2, "row a", 0.9, "Requirement Limit"),
            chunk(3, "row b", 0.89, "Requirement Limit"),
            chunk(4, "row c", 0.87, "Requirement Limit"),
        ]
        session.add(doc)
        session.flush()
        query = unit_vector(1.0)
        every_row = dense_search(session=session, query_vec=query, k=3)
        one_slot = dense_search(session=session, query_vec=query, k=3, window_margin=0.07, rows_per_table=1)
    assert [h.chunk.text for h in every_row] == ["row a", "row b", "row c"]
    assert [h.chunk.text for h in one_slot] == ["rule", "row a", "other"]
    assert one_slot[1].score == pytest.approx(0.83, abs=1e-5)
