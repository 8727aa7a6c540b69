"""Hand-made chunks with tiny vectors for the pure retrieval stages, and documents with tiny vectors stored in
the real database for the dense and store tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.models import PolicyChunk, PolicyDocument
from rag.retrieval.types import Chunk, ScoredChunk


def chunk(
    cid: int,
    vec: Sequence[float] | None = None,
    *,
    text: str = "",
    doc: str = "Doc",
    page: int = 1,
    programs: tuple[str, ...] = ("conventional",),
) -> Chunk:
    return Chunk(
        id=cid,
        text=text or f"chunk {cid}",
        doc_name=doc,
        page_num=page,
        page_end=page,
        section="1. Scope",
        subsection="1.1 Purpose",
        char_offset=10 * cid,
        char_end=10 * cid + 9,
        programs=programs,
        embedding=None if vec is None else np.asarray(vec, dtype=np.float32),
    )


def ranked(*ids: int, vecs: dict[int, Sequence[float]] | None = None) -> list[ScoredChunk]:
    """A ranked list of chunks by id, with descending dummy scores."""
    vecs = vecs or {}
    return [ScoredChunk(chunk(cid, vecs.get(cid)), float(len(ids) - i)) for i, cid in enumerate(ids)]


def ids(hits: Sequence[ScoredChunk]) -> list[int]:
    return [h.chunk.id for h in hits]


def vec(*xs: float) -> np.ndarray:
    """A 3-d vector padded to the schema's 384 dimensions (cosines are those of the 3-d vectors)."""
    out = np.zeros(384, dtype=np.float32)
    out[: len(xs)] = xs
    return out


def add_document(session, name: str, programs: list[str], chunks: list[tuple[str, np.ndarray]]) -> list[int]:
    doc = PolicyDocument(
        file_name=f"{name}.pdf", content_hash=name.ljust(64, "0"), doc_name=name, programs=programs, page_count=1
    )
    doc.chunks = [
        PolicyChunk(
            chunk_index=i,
            text=text,
            doc_name=name,
            page_num=1,
            page_end=1,
            char_offset=0,
            char_end=len(text),
            programs=programs,
            embedding=embedding,
        )
        for i, (text, embedding) in enumerate(chunks)
    ]
    session.add(doc)
    session.flush()
    return [c.id for c in doc.chunks]
