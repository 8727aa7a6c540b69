"""Hand-made chunks with tiny vectors for the pure retrieval stages."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.retrieval.types import Chunk, ScoredChunk


def chunk(cid: int, vec: Sequence[float] | None = None, *, text: str = "", doc: str = "Doc", page: int = 1,
          programs: tuple[str, ...] = ("conventional",)) -> Chunk:
    return Chunk(
        id=cid, text=text or f"chunk {cid}", doc_name=doc, page_num=page, page_end=page,
        section="1. Scope", subsection="1.1 Purpose", char_offset=10 * cid, char_end=10 * cid + 9,
        programs=programs, embedding=None if vec is None else np.asarray(vec, dtype=np.float32),
    )


def ranked(*ids: int, vecs: dict[int, Sequence[float]] | None = None) -> list[ScoredChunk]:
    """A ranked list of chunks by id, with descending dummy scores."""
    vecs = vecs or {}
    return [ScoredChunk(chunk(cid, vecs.get(cid)), float(len(ids) - i)) for i, cid in enumerate(ids)]


def ids(hits: Sequence[ScoredChunk]) -> list[int]:
    return [h.chunk.id for h in hits]
