"""Read access to `policy_chunks` shared by the retrievers: filters (versions included), rows -> Chunk,
stored versions, and the chunk-id lookup the citation explorer resolves traces with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Text, and_, cast, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from core.models import PolicyChunk, PolicyDocument
from rag.ingest.fingerprint import corpus_fingerprint  # noqa: F401  (re-exported for the retrievers)
from rag.retrieval.types import Chunk, Filters

CHUNK_COLUMNS = (
    PolicyChunk.id,
    PolicyChunk.text,
    PolicyChunk.doc_name,
    PolicyChunk.page_num,
    PolicyChunk.page_end,
    PolicyChunk.section,
    PolicyChunk.subsection,
    PolicyChunk.char_offset,
    PolicyChunk.char_end,
    PolicyChunk.programs,
    PolicyChunk.context,
)

Fingerprint = str  # rag.ingest.fingerprint.corpus_fingerprint


@dataclass(frozen=True)
class ChunkDetail:
    """A chunk's text and metadata with the file it came from, for showing a trace or a citation."""

    id: int
    doc_name: str
    file_name: str
    page_num: int
    page_end: int
    section: str | None
    subsection: str | None
    text: str
    version: str | None = None
    superseded_at: datetime | None = None  # set when a newer version of the document replaced this one
    content_hash: str | None = None  # names the version's archived PDF (Settings.document_archive_dir)
    context: str | None = None  # a table row's caption and column header (rag.tables)

    @property
    def where(self) -> str:
        """The subsection, else the section, else an empty string."""
        return self.subsection or self.section or ""


def version_clause(filters: Filters | None) -> ColumnElement[bool]:
    """SQL for the version rule: current chunks only unless the filters ask for others."""
    rule = filters.version_rule() if filters is not None else "current"
    if rule == "versions":
        return PolicyChunk.version.in_(filters.versions)
    if rule == "as_of":
        return and_(
            PolicyChunk.valid_from <= filters.as_of,
            or_(PolicyChunk.superseded_at.is_(None), PolicyChunk.superseded_at > filters.as_of),
        )
    return true() if rule == "all" else PolicyChunk.superseded_at.is_(None)


def filter_clause(filters: Filters | None) -> ColumnElement[bool]:
    """SQL for `filters`; a program filter also admits chunks that apply to 'all' programs."""
    clauses = [version_clause(filters)]
    if filters is None:
        return clauses[0]
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
        id=row.id,
        text=row.text,
        doc_name=row.doc_name,
        page_num=row.page_num,
        page_end=row.page_end,
        section=row.section,
        subsection=row.subsection,
        char_offset=row.char_offset,
        char_end=row.char_end,
        programs=tuple(row.programs or ()),
        embedding=vector,
        context=row.context,
    )


def load_chunks(*, session: Session, ids: Sequence[int]) -> dict[int, Chunk]:
    """The chunks with these ids, embeddings included, keyed by id (missing ids are absent)."""
    if not ids:
        return {}
    rows = session.execute(select(*CHUNK_COLUMNS, PolicyChunk.embedding).where(PolicyChunk.id.in_(list(ids))))
    return {row.id: chunk_from_row(row, row.embedding) for row in rows}


def chunk_details(*, session: Session, ids: Iterable[int]) -> dict[int, ChunkDetail]:
    """The chunks with these ids and their documents' file names, in one query (missing ids are absent)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = session.execute(
        select(
            PolicyChunk.id,
            PolicyChunk.doc_name,
            PolicyDocument.file_name,
            PolicyChunk.page_num,
            PolicyChunk.page_end,
            PolicyChunk.section,
            PolicyChunk.subsection,
            PolicyChunk.text,
            PolicyChunk.version,
            PolicyChunk.superseded_at,
            PolicyDocument.content_hash,
            PolicyChunk.context,
        )
        .join(PolicyDocument, PolicyDocument.id == PolicyChunk.document_id)
        .where(PolicyChunk.id.in_(wanted))
    )
    return {row.id: ChunkDetail(*row) for row in rows}


@dataclass(frozen=True)
class DocumentVersion:
    """One stored version of a document, for a version picker."""

    doc_name: str
    version: str | None
    file_name: str
    ingested_at: datetime
    superseded_at: datetime | None
    content_hash: str | None = None  # the copy's identity: two copies may carry the same version label

    def label(self) -> str:
        """'Jumbo Guide — version 2.0 · 1a2b3c4d (current)': label plus a short content hash, so two copies that
        share a version label never share a picker entry."""
        state = f"superseded {self.superseded_at:%Y-%m-%d %H:%M}" if self.superseded_at else "current"
        short = f" · {self.content_hash[:8]}" if self.content_hash else ""
        return f"{self.doc_name} — version {self.version or '?'}{short} ({state})"


def current_document_names(*, session: Session) -> list[str]:
    """The names of the documents whose current version is stored, sorted."""
    rows = session.execute(
        select(PolicyDocument.doc_name)
        .where(PolicyDocument.superseded_at.is_(None))
        .distinct()
        .order_by(PolicyDocument.doc_name)
    )
    return [name for (name,) in rows]


def document_versions(*, session: Session) -> list[DocumentVersion]:
    """Every stored version of every document, by document name then newest first."""
    rows = session.execute(
        select(
            PolicyDocument.doc_name,
            PolicyDocument.version,
            PolicyDocument.file_name,
            PolicyDocument.ingested_at,
            PolicyDocument.superseded_at,
            PolicyDocument.content_hash,
        ).order_by(PolicyDocument.doc_name, PolicyDocument.ingested_at.desc())
    )
    return [DocumentVersion(*row) for row in rows]
