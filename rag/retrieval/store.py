"""Read access to `policy_chunks` shared by the retrievers: filters, rows -> Chunk, corpus fingerprint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Text, and_, cast, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from core.models import PolicyChunk, PolicyDocument
from rag.retrieval.types import Chunk, Filters

CHUNK_COLUMNS = (
    PolicyChunk.id, PolicyChunk.text, PolicyChunk.doc_name, PolicyChunk.page_num, PolicyChunk.page_end,
    PolicyChunk.section, PolicyChunk.subsection, PolicyChunk.char_offset, PolicyChunk.char_end,
    PolicyChunk.programs,
)

Fingerprint = tuple[int, int, str]


def filter_clause(filters: Filters | None) -> ColumnElement[bool]:
    """SQL for `filters`; a program filter also admits chunks that apply to 'all' programs."""
    if not filters:
        return true()
    clauses = []
    if filters.doc_names:
        clauses.append(PolicyChunk.doc_name.in_(filters.doc_names))
    if filters.programs:
        # && (overlap) uses the GIN index; the model's generic ARRAY type has no .overlap()
        wanted = cast(array(filters.program_set()), ARRAY(Text))
        clauses.append(PolicyChunk.programs.op("&&")(wanted))
    return and_(*clauses)


def chunk_from_row(row: Any, embedding: Any = None) -> Chunk:
    vector = None
    if embedding is not None:
        vector = np.asarray(embedding, dtype=np.float32)
        vector.setflags(write=False)
    return Chunk(
        id=row.id, text=row.text, doc_name=row.doc_name, page_num=row.page_num, page_end=row.page_end,
        section=row.section, subsection=row.subsection, char_offset=row.char_offset, char_end=row.char_end,
        programs=tuple(row.programs or ()), embedding=vector,
    )


def load_chunks(*, session: Session, ids: Sequence[int]) -> dict[int, Chunk]:
    """The chunks with these ids, embeddings included, keyed by id (missing ids are absent)."""
    if not ids:
        return {}
    rows = session.execute(select(*CHUNK_COLUMNS, PolicyChunk.embedding).where(PolicyChunk.id.in_(list(ids))))
    return {row.id: chunk_from_row(row, row.embedding) for row in rows}


def corpus_fingerprint(*, session: Session) -> Fingerprint:
    """Changes whenever chunks are added, replaced or deleted; cheap at any corpus size.

    Ingestion replaces a changed file by deleting its document and inserting a new one, so new
    chunks raise max(chunk id) and the new document's ingested_at, and a deletion lowers the count.
    """
    documents, newest = session.execute(
        select(func.count(PolicyDocument.id), func.max(PolicyDocument.ingested_at))
    ).one()
    top_chunk = session.scalar(select(func.max(PolicyChunk.id))) or 0
    return (int(documents), int(top_chunk), newest.isoformat() if newest else "")
