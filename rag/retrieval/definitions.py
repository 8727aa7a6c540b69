"""Everyday questions through the documents' own definitions: a glossary mined from the corpus.

The documents define their terms ("Loss mitigation option means an alternative to foreclosure ...",
"A second home is a one-unit property that the borrower occupies for part of the year ..."). A
question in everyday words often restates a definition rather than naming the term; when the
question's vector is close to a definition's, the defined term is appended to the query, so dense
and BM25 search see the document's word. Nothing is written by hand: the glossary is mined from
the current chunks and rebuilt when the corpus changes (like the BM25 index).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PolicyChunk
from rag.embeddings import Embedder
from rag.retrieval.store import Fingerprint, corpus_fingerprint

log = logging.getLogger(__name__)

_MEANS = re.compile(
    r"(?:^|(?<=[.;:)]\s))(?P<term>[A-Z][\w'/-]*(?: [\w'/-]+){0,5}?) (?:means|is defined as) (?P<body>[^.;]{12,300})"
)
_IS_A = re.compile(
    r"(?:^|(?<=[.;:]\s))An? (?P<term>[a-z][\w-]*(?: [a-z][\w-]*){0,3}) is (?P<body>(?:a|an|any|the) [^.;]{12,300})"
)
_NOT_TERMS = frozenset("this that it which such each the a an in for to what there here so".split())


@dataclass(frozen=True)
class Definition:
    term: str  # as the document writes it ("Loss mitigation option")
    body: str  # what follows "means" / "is"


def mine_definitions(texts: Iterable[str]) -> list[Definition]:
    """Definitions stated in `texts`, the first per term (case-insensitive), in order."""
    found: dict[str, Definition] = {}
    for text in texts:
        flat = " ".join(text.split())
        for pattern in (_MEANS, _IS_A):
            for m in pattern.finditer(flat):
                term = m.group("term").strip()
                if term.split()[0].lower() in _NOT_TERMS:
                    continue
                found.setdefault(term.lower(), Definition(term, m.group("body").strip()))
    return list(found.values())


@dataclass(frozen=True, eq=False)
class Glossary:
    """Mined definitions with the vectors of their bodies (unit length)."""

    fingerprint: Fingerprint
    definitions: tuple[Definition, ...]
    vectors: np.ndarray

    def terms_for(self, query: str, query_vec: np.ndarray, *, min_score: float, limit: int) -> list[str]:
        """Defined terms whose definition is at least `min_score` cosine from the query, best first,
        leaving out terms the query already names."""
        if not self.definitions:
            return []
        scores = self.vectors @ np.asarray(query_vec, dtype=np.float32)
        lowered = query.casefold()
        out = []
        for i in np.argsort(-scores, kind="stable"):
            if scores[i] < min_score or len(out) == limit:
                break
            term = self.definitions[i].term
            if term.casefold() not in lowered:
                out.append(term)
        return out


class GlossaryCache:
    """Holds the glossary of the current corpus; re-mines it (once, under a lock) when the corpus changes."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder
        self._glossary: Glossary | None = None
        self._lock = threading.Lock()

    def get(self, *, session: Session) -> Glossary:
        fingerprint = corpus_fingerprint(session=session)
        glossary = self._glossary
        if glossary is not None and glossary.fingerprint == fingerprint:
            return glossary
        with self._lock:
            if self._glossary is None or self._glossary.fingerprint != fingerprint:
                self._glossary = self._build(session, fingerprint)
            return self._glossary

    def _build(self, session: Session, fingerprint: Fingerprint) -> Glossary:
        texts = session.scalars(
            select(PolicyChunk.text).where(PolicyChunk.superseded_at.is_(None)).order_by(PolicyChunk.id)
        )
        definitions = mine_definitions(texts)
        bodies = [f"{d.body}" for d in definitions]
        vectors = self._embedder.embed_documents(bodies) if bodies else np.zeros((0, 1), dtype=np.float32)
        log.info("mined %d definitions from the corpus", len(definitions))
        return Glossary(fingerprint, tuple(definitions), np.asarray(vectors, dtype=np.float32))
