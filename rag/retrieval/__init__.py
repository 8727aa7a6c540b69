"""Retrieval stages over typed chunk lists, and the `Retriever` service that runs them in order."""

from rag.retrieval.pipeline import Retriever, get_retriever
from rag.retrieval.types import (
    Chunk,
    Citation,
    Filters,
    RetrievalResult,
    RetrievalTrace,
    ScoredChunk,
    StageTrace,
)

__all__ = [
    "Chunk",
    "Citation",
    "Filters",
    "RetrievalResult",
    "RetrievalTrace",
    "Retriever",
    "ScoredChunk",
    "StageTrace",
    "get_retriever",
]
