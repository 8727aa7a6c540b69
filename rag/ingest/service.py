"""Ingest policy PDFs into `policy_chunks`: parse, chunk, embed, store.

Idempotent by content hash. A document's identity is its own title and programs, never its file
name: a changed document adds a new version and marks the previous version's chunks superseded
(they stay, so stored citations still resolve); a different document arriving under a known file
name is a new document. A bad file is reported in one line and stores nothing, while the other
files still go in.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.errors import IngestError
from core.models import PolicyChunk, PolicyChunkWindow, PolicyDocument, PolicyPage
from core.settings import Settings
from rag.chunking import chunk_document, contextual_text, dense_windows
from rag.embeddings import Embedder, backend_family, ingest_backend, vector_family
from rag.pdf import parse_pdf
from rag.types import ChunkDraft, DocumentMeta, ParsedDocument

log = logging.getLogger(__name__)

Status = Literal["ingested", "new version", "unchanged", "failed"]
Progress = Callable[[int, int, Path], None]  # (files done, files total, current file)


@dataclass(frozen=True)
class IngestReport:
    path: Path
    status: Status
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    reason: str = ""  # why it failed, or a note (a version it superseded, a filter not applied)

    def line(self) -> str:
        if self.status == "failed":
            return f"FAILED    {self.path.name}: {self.reason}"
        note = f" ({self.reason})" if self.reason else ""
        return f"{self.status:<9} {self.path.name}: {self.pages} pages, {self.chunks} chunks, {self.seconds:.1f}s{note}"


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the PDFs inside any directory given (sorted, non-recursive)."""
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf") if path.is_dir() else [path])
    return out


# Bump when what gets embedded changes (e.g. the contextual header), so old vectors are replaced.
EMBEDDING_RECIPE = "contextual-header-v1"
TABLE_ROWS_RECIPE = "table-rows-v1"  # bump when rag.tables finds rows differently


def ingest_key(data: bytes, settings: Settings, family: str) -> str:
    """Identity of an ingested file: its bytes plus everything that shapes its chunks and vectors.

    `family` is the vector family of the embedder (rag.embeddings.backend_family). Re-ingesting the
    same file with the same settings adds nothing; changing the chunk size, the embedding model,
    the vector family or the recipe re-chunks and re-embeds it on the next ingest.
    """
    recipe = f"{EMBEDDING_RECIPE}|{settings.embedding_model}|{settings.chunk_size}|{settings.chunk_overlap}"
    if settings.dense_window_words:  # off: the key every corpus had before dense windows
        recipe += f"|windows-{settings.dense_window_words}-{settings.dense_window_overlap}"
    if settings.table_rows:
        recipe += f"|{TABLE_ROWS_RECIPE}"
    return hashlib.sha256(data + (recipe + family).encode()).hexdigest()


def accepted_families(settings: Settings) -> list[str]:
    """Vector families a stored document may have and still count as current: those of the query
    backend and of the ingest backend (the default ingests int8 vectors that torch queries search).
    A corpus embedded by a backend no longer configured is re-embedded."""
    return list(dict.fromkeys([backend_family(ingest_backend(settings)), backend_family(settings.embedding_backend)]))


def stale_files(paths: Sequence[Path], settings: Settings, *, session: Session) -> list[Path]:
    """The files with no ingest key of an accepted family in the knowledge base (new, changed or
    re-recipe'd)."""
    families = accepted_families(settings)
    keys = {
        path: [ingest_key(data, settings, f) for f in families]
        for path in paths
        if path.is_file()
        for data in [path.read_bytes()]
    }
    wanted = [k for ks in keys.values() for k in ks]
    known = set(session.scalars(select(PolicyDocument.content_hash).where(PolicyDocument.content_hash.in_(wanted))))
    return [path for path, ks in keys.items() if known.isdisjoint(ks)]


def document_key(meta: DocumentMeta) -> str:
    """A document's identity: its normalised title and programs (never its file name or version)."""
    return " ".join(meta.doc_name.lower().split()) + "|" + ",".join(sorted(meta.programs))


def ingest_file(
    path: Path,
    *,
    session: Session,
    embedder: Embedder,
    settings: Settings,
    version: str | None = None,
    effective_date: date | None = None,
) -> IngestReport:
    """Ingest one file into `session` without committing. Raises IngestError for a bad file.

    `version` and `effective_date` override what the document states about itself.
    """
    started = time.perf_counter()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}") from exc
    family = vector_family(embedder)
    digest = ingest_key(data, settings, family)
    existing = session.scalar(select(PolicyDocument).where(PolicyDocument.content_hash == digest))
    if existing is not None and existing.superseded_at is None:
        return IngestReport(path, "unchanged", existing.page_count, len(existing.chunks))
    others = [ingest_key(data, settings, f) for f in accepted_families(settings) if f != family]
    current = (
        session.scalar(
            select(PolicyDocument).where(
                PolicyDocument.content_hash.in_(others), PolicyDocument.superseded_at.is_(None)
            )
        )
        if others
        else None
    )
    if current is not None:  # already embedded by the other configured backend: its vectors serve
        return IngestReport(path, "unchanged", current.page_count, len(current.chunks))
    if existing is not None:
        return _restore(path, existing, session=session, started=started)

    doc = parse_pdf(data, fallback_name=path.stem)
    meta = replace(
        doc.meta, version=version or doc.meta.version, effective_date=effective_date or doc.meta.effective_date
    )
    drafts = chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap, tables=settings.table_rows)
    if not drafts:
        raise IngestError("no text to index after removing headers, footers and contents pages")
    windows = [dense_windows(d.text, settings.dense_window_words, settings.dense_window_overlap) for d in drafts]
    texts = [contextual_text(d.text, meta.doc_name, d.section, d.subsection, d.context) for d in drafts]
    texts += [contextual_text(w, meta.doc_name, d.section, d.subsection) for d, ws in zip(drafts, windows) for w in ws]
    vectors = embedder.embed_documents(texts)
    key = document_key(meta)
    previous = _supersede(session, key)
    record = _record(path, digest, key, meta, doc, drafts, vectors[: len(drafts)])
    _attach_windows(record.chunks, windows, vectors[len(drafts) :])
    session.add(record)
    session.flush()
    archive_pdf(data, digest, settings)
    notes = [doc.boilerplate_note] if doc.boilerplate_note else []
    if previous is not None:
        notes.insert(0, f"supersedes version {previous.version or '?'} of {previous.file_name}")
    elif (other := _current_with_file_name(session, path.name, key)) is not None:
        notes.insert(0, f"a different document from the current {path.name} ({other}); both kept")
    status: Status = "new version" if previous is not None else "ingested"
    return IngestReport(path, status, len(doc.pages), len(drafts), time.perf_counter() - started, "; ".join(notes))


def archive_pdf(data: bytes, digest: str, settings: Settings) -> Path | None:
    """Keep this version's PDF under DATA_DIR/documents/<content hash>.pdf (written once, atomically),
    so the page preview of a citation shows the version it cites even after the file changes."""
    target = settings.document_archive_dir / f"{digest}.pdf"
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:  # the chunks are stored regardless; only the preview falls back to POLICY_DIR
        log.warning("could not archive %s: %s", target.name, exc)
        return None
    return target


def _restore(path: Path, existing: PolicyDocument, *, session: Session, started: float) -> IngestReport:
    """The file is byte-identical to a superseded version: that version (and its chunks) becomes
    current again and the version current until now is superseded. Nothing is re-embedded or deleted."""
    previous = _supersede(session, existing.doc_key)
    existing.superseded_at = None
    session.execute(update(PolicyChunk).where(PolicyChunk.document_id == existing.id).values(superseded_at=None))
    session.flush()
    note = f"restores version {existing.version or '?'} (identical file)"
    if previous is not None:
        note += f"; supersedes version {previous.version or '?'} of {previous.file_name}"
    return IngestReport(
        path, "new version", existing.page_count, len(existing.chunks), time.perf_counter() - started, note
    )


def _supersede(session: Session, key: str) -> PolicyDocument | None:
    """Mark the current version of document `key` (and its chunks) superseded now; it stays stored."""
    previous = session.scalar(
        select(PolicyDocument)
        .where(PolicyDocument.doc_key == key, PolicyDocument.superseded_at.is_(None))
        .with_for_update()
    )
    if previous is None:
        return None
    now = func.now()
    previous.superseded_at = now
    session.execute(update(PolicyChunk).where(PolicyChunk.document_id == previous.id).values(superseded_at=now))
    session.flush()
    return previous


def _current_with_file_name(session: Session, file_name: str, key: str) -> str | None:
    return session.scalar(
        select(PolicyDocument.doc_name)
        .where(
            PolicyDocument.file_name == file_name, PolicyDocument.doc_key != key, PolicyDocument.superseded_at.is_(None)
        )
        .limit(1)
    )


def _record(
    path: Path, digest: str, key: str, meta: DocumentMeta, doc: ParsedDocument, drafts: list[ChunkDraft], vectors
) -> PolicyDocument:
    record = PolicyDocument(
        file_name=path.name,
        content_hash=digest,
        doc_key=key,
        doc_name=meta.doc_name,
        version=meta.version,
        effective_date=meta.effective_date,
        programs=list(meta.programs),
        page_count=len(doc.pages),
    )
    record.pages = [PolicyPage(page_num=p.page_num, text=p.text, kind=doc.kind_of(i)) for i, p in enumerate(doc.pages)]
    record.chunks = [
        PolicyChunk(
            chunk_index=d.chunk_index,
            text=d.text,
            doc_name=meta.doc_name,
            page_num=d.page_num,
            page_end=d.page_end,
            section=d.section,
            subsection=d.subsection,
            char_offset=d.char_offset,
            char_end=d.char_end,
            programs=list(meta.programs),
            version=meta.version,
            effective_date=meta.effective_date,
            embedding=vec,
            context=d.context,
        )
        for d, vec in zip(drafts, vectors)
    ]
    return record


def _attach_windows(chunks: list[PolicyChunk], windows: list[list[str]], vectors) -> None:
    """Give each chunk its extra window vectors (numbered from 1; window 0 is the chunk's own)."""
    at = 0
    for chunk, texts in zip(chunks, windows):
        chunk.windows = [
            PolicyChunkWindow(window_index=i, embedding=vectors[at + i - 1]) for i in range(1, len(texts) + 1)
        ]
        at += len(texts)


def ingest_paths(
    paths: Sequence[Path],
    *,
    session_factory: sessionmaker[Session],
    embedder: Embedder,
    settings: Settings,
    progress: Progress | None = None,
    version: str | None = None,
    effective_date: date | None = None,
) -> list[IngestReport]:
    """Ingest each file in its own transaction, so one bad file never blocks or taints the rest."""
    files = expand_paths(paths)
    reports = []
    for done, path in enumerate(files):
        if progress:
            progress(done, len(files), path)
        session = session_factory()
        try:
            report = ingest_file(
                path,
                session=session,
                embedder=embedder,
                settings=settings,
                version=version,
                effective_date=effective_date,
            )
            session.commit()
        except IngestError as exc:
            session.rollback()
            report = IngestReport(path, "failed", reason=str(exc))
        finally:
            session.close()
        log.info(report.line())
        reports.append(report)
    if progress:
        progress(len(files), len(files), files[-1] if files else Path("."))
    return reports


def corpus_stats(*, session: Session) -> dict[str, int]:
    """Current documents, their pages and chunks, and how many superseded versions are kept."""
    current = PolicyDocument.superseded_at.is_(None)
    return {
        "documents": session.scalar(select(func.count()).select_from(PolicyDocument).where(current)) or 0,
        "pages": session.scalar(select(func.coalesce(func.sum(PolicyDocument.page_count), 0)).where(current)) or 0,
        "chunks": session.scalar(
            select(func.count()).select_from(PolicyChunk).where(PolicyChunk.superseded_at.is_(None))
        )
        or 0,
        "superseded_versions": session.scalar(select(func.count()).select_from(PolicyDocument).where(~current)) or 0,
    }
