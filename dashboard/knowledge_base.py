"""Knowledge-base status and first-start ingestion of the seed corpus, with visible progress."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from core.models import PolicyChunk, PolicyDocument
from policy.publication import ensure_first_start, latest
from rag.embeddings import with_workers
from rag.ingest import corpus_stats, expand_paths, ingest_paths, stale_files


def documents_frame(session) -> pd.DataFrame:
    """One row per ingested document (its current version), for the overview table."""
    rows = session.execute(
        select(
            PolicyDocument.doc_name,
            PolicyDocument.version,
            PolicyDocument.effective_date,
            PolicyDocument.programs,
            PolicyDocument.page_count,
            func.count(PolicyChunk.id),
        )
        .join(PolicyChunk, PolicyChunk.document_id == PolicyDocument.id, isouter=True)
        .where(PolicyDocument.superseded_at.is_(None))
        .group_by(PolicyDocument.id)
        .order_by(PolicyDocument.doc_name)
    ).all()
    return pd.DataFrame(rows, columns=["Document", "Version", "Effective", "Programs", "Pages", "Chunks"])


def ensure_seed_corpus(factory, embedder_factory, settings) -> dict[str, int]:
    """Ingest the seed policies when the knowledge base is empty, or when a seed file (or the way it
    is chunked and embedded) changed since it was ingested, showing a progress bar."""
    with factory() as session:
        stats = corpus_stats(session=session)
        stale = stale_files(expand_paths([settings.policy_dir]), settings, session=session)
    if stats["chunks"] and not stale:
        ensure_first_start(factory)
        return stats
    message = (
        "The knowledge base is empty: ingesting the seed policy corpus..."
        if not stats["chunks"]
        else f"{len(stale)} policy file(s) changed: re-ingesting..."
    )
    bar = st.progress(0.0, text=message)

    def progress(done: int, total: int, path: Path) -> None:
        bar.progress(done / max(total, 1), text=f"Ingesting {path.name} ({done}/{total})")

    reports = ingest_paths(
        stale or [settings.policy_dir],
        session_factory=factory,
        settings=settings,
        embedder=with_workers(embedder_factory(), settings.ingest_threads),
        progress=progress,
    )
    bar.empty()
    failed = [r.line() for r in reports if r.status == "failed"]
    if failed:
        st.warning("Some seed documents could not be ingested:\n\n" + "\n\n".join(failed))
    ensure_first_start(factory)  # our own rulebook, published when its check passes against what was just ingested
    with factory() as session:
        return corpus_stats(session=session)


def publication_line(factory) -> tuple[bool, str]:
    """(published?, one line) on the rulebook new decisions follow, for the Overview."""
    with factory() as session:
        current = latest(session=session)
    if current is None:
        return False, (
            "No published rulebook: every file is referred to a person until one is published "
            "(Policy page, or `python -m policy publish`)."
        )
    when = f" on {current.published_at:%Y-%m-%d}" if current.published_at else ""
    gaps = f", {len(current.accepted_gaps)} accepted gap(s)" if current.accepted_gaps else ""
    return True, (
        f'Decisions follow publication #{current.id} "{current.name}" ({len(current.rules)} rules{gaps}), '
        f"published by {current.approver}{when}; policy version {current.policy_version[:12]}."
    )
