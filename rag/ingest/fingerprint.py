"""The corpus fingerprint: one short hash of which document versions are stored and which are current.

Ingestion is the only writer of the corpus, so a change of any chunk (a new document, a new version,
a superseded one) changes this hash. Runs record it as their corpus version, eval runs too, and the
BM25 index rebuilds when it changes.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PolicyDocument


def corpus_fingerprint(*, session: Session) -> str:
    """16 hex characters over every stored document version (id, content hash, current or superseded)."""
    rows = session.execute(
        select(PolicyDocument.id, PolicyDocument.content_hash, PolicyDocument.superseded_at).order_by(PolicyDocument.id)
    )
    digest = hashlib.sha256()
    for doc_id, content_hash, superseded_at in rows:
        digest.update(f"{doc_id}:{content_hash}:{'s' if superseded_at else 'c'};".encode())
    return digest.hexdigest()[:16]
