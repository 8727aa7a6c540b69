"""Knowledge-base status and first-start ingestion of the seed corpus, with visible progress."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from core.models import PolicyChunk, PolicyDocument
from rag.embeddings import with_workers
from rag.ingest import corpus_stats, expand_paths, ingest_paths, stale_files


def documents_frame(session) -> pd.DataFrame:
    """One row per ingested document (its current version), for the overview table."""
    rows = session.execute(
        select(PolicyDocument.doc_name, PolicyDocument.version, PolicyDocument.effective_date,
               PolicyDocument.programs, PolicyDocument.page_count, func.count(PolicyChunk.id))
        .join(PolicyChunk, PolicyChunk.document_id == PolicyDocument.id, isouter=True)
        .where(PolicyDocument.superseded_at.is_(None))
        .group_by(PolicyDocument.id).order_by(PolicyDocument.doc_name)
    ).all()
    return pd.DataFrame(rows, columns=["Document", "Version", "Effective", "Programs", "Pages", "Chunks"])


def ensure_seed_corpus(factory, embedder_factory, settings) -> dict[str, int]:
    """Ingest the seed policies when the knowledge base is empty, or when a seed file (or the way it
    is chunked and embedded) changed since it was ingested, showing a progress bar."""
    with factory() as session:
        stats = corpus_stats(session=session)
        stale = stale_files(expand_paths([settings.policy_dir]), settings, session=session)
    if stats["chunks"] and not stale:
        return stats
    message = ("The knowledge base is empty: ingesting the seed policy corpus..." if not stats["chunks"]
               else f"{len(stale)} policy file(s) changed: re-ingesting...")
    bar = st.progress(0.0, text=message)

    def progress(done: int, total: int, path: Path) -> None:
        bar.progress(done / max(total, 1), text=f"Ingesting {path.name} ({done}/{total})")

    reports = ingest_paths(stale or [settings.policy_dir], session_factory=factory, settings=settings,
                           embedder=with_workers(embedder_factory(), settings.ingest_threads), progress=progress)
    bar.empty()
    failed = [r.line() for r in reports if r.status == "failed"]
    if failed:
        st.warning("Some seed documents could not be ingested:\n\n" + "\n\n".join(failed))
    with factory() as session:
        return corpus_stats(session=session)
