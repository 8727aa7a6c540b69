"""Dense retrieval: pgvector cosine distance (`<=>`, HNSW index) with metadata filters.

A chunk longer than the encoder reads has more vectors than its own (`policy_chunk_windows`, one
per later window of its words); a chunk scores by its best vector (max-sim), so a fact in the
second half of a long chunk is found as well as one in its first lines. A table row (a chunk of its
own, rag.tables) concedes the same margin as a window, and a table gives the list at most
`rows_per_table` of its rows (rag.retrieval.rows).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import PolicyChunk, PolicyChunkWindow
from rag.retrieval.rows import rows_per_table as keep_rows_per_table
from rag.retrieval.store import CHUNK_COLUMNS, chunk_from_row, filter_clause, load_chunks
from rag.retrieval.types import Chunk, Filters, ScoredChunk


def set_ef_search(*, session: Session, ef_search: int) -> None:
    """Widen HNSW's candidate list for this transaction.

    pgvector 0.6 filters *after* the index scan, so a selective filter can leave fewer than k
    hits from the default 40 candidates; a wider list keeps filtered queries full.
    """
    session.execute(select(func.set_config("hnsw.ef_search", str(ef_search), True)))


def dense_search(
    *,
    session: Session,
    query_vec: np.ndarray,
    k: int,
    filters: Filters | None = None,
    window_margin: float = 0.0,
    rows_per_table: int = 0,
) -> list[ScoredChunk]:
    """The `k` chunks nearest to `query_vec` by the cosine of their best vector, best first;
    score = that cosine similarity (ties keep the order of the chunks' own vectors). A later window
    counts `window_margin` less than the chunk's own vector: a long chunk has more vectors, so more
    chances to come near any query, and the margin keeps those chances from crowding out short chunks.
    A table row's vector concedes the same margin: the row's words are also in its section's chunk.
    `rows_per_table` > 0 keeps at most that many rows of one table (0: every row)."""
    vec = np.asarray(query_vec, dtype=np.float32)
    # rows among the nearest concede the margin and give up places: then look twice as deep (a corpus
    # without tables, or a question far from them, costs one query as before)
    wanted = k
    own = _chunk_vectors(session, vec, wanted, filters)
    if any(chunk.context for chunk, _ in own):
        wanted = 2 * k
        own = _chunk_vectors(session, vec, wanted, filters)
    chunks: dict[int, Chunk] = {}
    best: dict[int, float] = {}
    for chunk, score in own:
        # a table row's vector is one more vector for words its section's chunk holds: like a window, it
        # concedes the margin (a short row shares its headings with every row of its table)
        chunks[chunk.id], best[chunk.id] = chunk, score - (window_margin if chunk.context else 0.0)
    for chunk_id, score in _window_vectors(session, vec, wanted, filters):
        best[chunk_id] = max(score - window_margin, best.get(chunk_id, -2.0))
    chunks |= load_chunks(session=session, ids=[cid for cid in best if cid not in chunks])
    ranked = sorted((cid for cid in best if cid in chunks), key=lambda cid: -best[cid])  # stable
    hits = (ScoredChunk(chunks[cid], best[cid]) for cid in ranked)
    return keep_rows_per_table(hits, k=k, per_table=rows_per_table)


def _chunk_vectors(session: Session, vec: np.ndarray, k: int, filters: Filters | None) -> list[tuple[Chunk, float]]:
    """The `k` chunks whose own vector (window 0) is nearest, with their cosine."""
    distance = PolicyChunk.embedding.cosine_distance(vec)
    stmt = (
        select(*CHUNK_COLUMNS, PolicyChunk.embedding, distance.label("distance"))
        .where(filter_clause(filters))
        .order_by(distance)
        .limit(k)
    )
    return [(chunk_from_row(row, row.embedding), 1.0 - float(row.distance)) for row in session.execute(stmt)]


def _window_vectors(session: Session, vec: np.ndarray, k: int, filters: Filters | None) -> list[tuple[int, float]]:
    """(chunk id, cosine) of the `k` nearest later windows whose chunks pass `filters`."""
    distance = PolicyChunkWindow.embedding.cosine_distance(vec)
    stmt = (
        select(PolicyChunkWindow.chunk_id, distance.label("distance"))
        .join(PolicyChunk, PolicyChunk.id == PolicyChunkWindow.chunk_id)
        .where(filter_clause(filters))
        .order_by(distance)
        .limit(k)
    )
    return [(row.chunk_id, 1.0 - float(row.distance)) for row in session.execute(stmt)]
