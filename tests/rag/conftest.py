"""Retrieval fixtures: a Retriever over the seeded corpus (rolled back after each test)."""

from __future__ import annotations

import pytest

from rag.retrieval import Retriever
from rag.retrieval.rerank import NoOpReranker


@pytest.fixture
def retriever(seeded_db, embedder, settings) -> Retriever:
    return Retriever(session_factory=seeded_db, embedder=embedder, reranker=NoOpReranker(), settings=settings)


@pytest.fixture
def all_stages_retriever(seeded_db, embedder, settings) -> Retriever:
    """Every stage switched on (glossary rewriting, MMR at 0.7), whatever the defaults are."""
    full = settings.model_copy(update={"query_rewrite": True, "mmr_lambda": 0.7})
    return Retriever(session_factory=seeded_db, embedder=embedder, reranker=NoOpReranker(), settings=full)
