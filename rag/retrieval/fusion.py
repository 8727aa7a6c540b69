"""Reciprocal rank fusion of several ranked lists (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.retrieval.types import Chunk, ScoredChunk

# Cormack, Clarke & Buettcher (2009), "Reciprocal Rank Fusion outperforms Condorcet and individual
# rank learning methods": k=60 damps the weight of the very top ranks so one list cannot dominate.
RRF_K = 60


def rrf(lists: Sequence[Sequence[ScoredChunk]], k: int = RRF_K, limit: int | None = None) -> list[ScoredChunk]:
    """Fuse ranked lists: score(d) = sum over lists of 1 / (k + rank of d), ranks from 1.

    Input scores are ignored (only ranks count), so lists on different scales fuse fairly.
    A chunk repeated within one list counts once, at its best rank. Ties go to the lower
    chunk id, so the output is deterministic. Returns new objects, best first.
    """
    if k <= 0:
        raise ValueError("k must be positive")
    scores: dict[int, float] = {}
    chunks: dict[int, Chunk] = {}
    for ranked in lists:
        seen: set[int] = set()
        for rank, hit in enumerate(ranked, start=1):
            cid = hit.chunk.id
            if cid in seen:
                continue
            seen.add(cid)
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
            if cid not in chunks or chunks[cid].embedding is None:
                chunks[cid] = hit.chunk
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    if limit is not None:
        order = order[:limit]
    return [ScoredChunk(chunks[cid], scores[cid]) for cid in order]
