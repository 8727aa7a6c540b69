"""Maximal marginal relevance (Carbonell & Goldstein, 1998) over candidate embeddings (pure).

Relevance is each candidate's incoming score (the fused RRF score in the pipeline), min-max
scaled to [0, 1]; redundancy is the cosine between chunk embeddings. Using the fused score rather
than the cosine to the query keeps the BM25 evidence: on the seed corpus, query-cosine relevance
pushed exact-figure passages ("2026 conforming loan limit", "FHA 96.5% LTV 580") out of the top 5.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.retrieval.types import ScoredChunk


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _relevance(candidates: Sequence[ScoredChunk]) -> np.ndarray:
    scores = np.array([c.score for c in candidates], dtype=np.float64)
    spread = scores.max() - scores.min()
    return (scores - scores.min()) / spread if spread > 0 else np.ones_like(scores)


def mmr(candidates: Sequence[ScoredChunk], *, lambda_: float, k: int) -> list[ScoredChunk]:
    """Pick `k` candidates, each maximising lambda * relevance - (1 - lambda) * max cos(d, picked).

    Every candidate must carry an embedding. lambda 1.0 keeps the incoming order; lower values
    trade relevance for novelty. Each pick carries its MMR score at the moment it was picked;
    ties go to the earlier candidate.
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError("lambda_ must be in [0, 1]")
    if not candidates or k <= 0:
        return []
    missing = [c.chunk.id for c in candidates if c.chunk.embedding is None]
    if missing:
        raise ValueError(f"MMR needs embeddings; chunks {missing} have none")
    vectors = _unit_rows(np.stack([np.asarray(c.chunk.embedding, dtype=np.float64) for c in candidates]))
    pairwise = vectors @ vectors.T
    relevance = _relevance(candidates)
    redundancy = np.zeros(len(candidates))  # max cosine to anything picked so far (0 before the first pick)
    remaining = list(range(len(candidates)))
    picked: list[ScoredChunk] = []
    while remaining and len(picked) < k:
        scores = lambda_ * relevance[remaining] - (1.0 - lambda_) * redundancy[remaining]
        best = int(np.argmax(scores))  # argmax returns the first maximum: ties keep input order
        index = remaining.pop(best)
        picked.append(ScoredChunk(candidates[index].chunk, float(scores[best])))
        redundancy = pairwise[index] if len(picked) == 1 else np.maximum(redundancy, pairwise[index])
    return picked
