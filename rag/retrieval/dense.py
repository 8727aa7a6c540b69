"""Dense retrieval: pgvector cosine distance (`<=>`, HNSW index) with metadata filters."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import PolicyChunk
from rag.retrieval.store import CHUNK_COLUMNS, chunk_from_row, filter_clause
from rag.retrieval.types import Filters, ScoredChunk


def set_ef_search(*, session: Session, ef_search: int) -> None:
    """Widen HNSW's candidate list for this transaction.

    pgvector 0.6 filters *after* the index scan, so a selective filter can leave fewer than k
    hits from the default 40 candidates; a wider list keeps filtered queries full.
    """
    session.execute(select(func.set_config("hnsw.ef_search", str(ef_search), True)))


def dense_search(
    *, session: Session, query_vec: np.ndarray, k: int, filters: Filters | None = None
) -> list[ScoredChunk]:
    """The `k` chunks nearest to `query_vec` by cosine, best first; score = cosine similarity."""
    distance = PolicyChunk.embedding.cosine_distance(np.asarray(query_vec, dtype=np.float32))
    stmt = (
        select(*CHUNK_COLUMNS, PolicyChunk.embedding, distance.label("distance"))
        .where(filter_clause(filters))
        .order_by(distance)
        .limit(k)
    )
    return [
        ScoredChunk(chunk_from_row(row, row.embedding), 1.0 - float(row.distance))
        for row in session.execute(stmt)
    ]
