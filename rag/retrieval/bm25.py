"""BM25 over `policy_chunks`: an in-memory index built from the database, rebuilt when the corpus changes.

A limits table's rows (chunks of their own, rag.tables) are not indexed here: their words are already in the
chunk of the section that holds the table, and a second document for the same words would count them twice in
BM25's document frequencies, moving the scores of chunks that have nothing to do with the table (on the
held-out guides it moved fused ranks of unrelated questions). Dense search finds a row on its own; BM25 finds
the table in its section's chunk, whose table lines the answerer reads under their header. `BM25_TABLE_ROWS=true`
indexes rows as documents again.

Scored by bm25s (precomputed sparse scores, 0.7 ms median / 4.8 ms p95 a query at 100k chunks). rank-bm25,
the other backend once offered, rescanned every document per query (24 ms at 20k chunks) and was dropped.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PolicyChunk
from core.settings import Settings
from rag.chunking import contextual_text
from rag.retrieval.passages import passages
from rag.retrieval.store import Fingerprint, corpus_fingerprint, load_chunks
from rag.retrieval.types import Filters, ScoredChunk

log = logging.getLogger(__name__)

Backend = Literal["bm25s"]

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from has have how i if in is it its may must of on or "
    "our that the their there these this those to under was we what when where which who whose will "
    "with within without would".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case words and numbers ("96.5" stays whole), stopwords out, plural -s folded."""
    tokens = []
    for token in _TOKEN.findall(text.lower()):
        if token in _STOPWORDS:
            continue
        if len(token) > 3 and token.endswith("s") and not token.endswith("ss") and token[0].isalpha():
            token = token[:-1]
        tokens.append(token)
    return tokens


class _Scorer(Protocol):
    def scores(self, tokens: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Bm25Params:
    """BM25's term-saturation `k1` and length normalisation `b`, and the passages a chunk is scored by:
    `passage_words` > 0 indexes each chunk as overlapping passages of that many words (each under the
    chunk's heading line) and scores a chunk by its best passage, so a fact stated in one paragraph of a
    long chunk is not diluted by the rest of it; 0 = one document per chunk."""

    k1: float = 1.5
    b: float = 0.75
    passage_words: int = 0
    passage_overlap: int = 0
    by_paragraph: bool = False  # passages are numbered paragraphs joined up to passage_words, not word windows
    table_rows: bool = False  # index table rows as documents of their own (BM25_TABLE_ROWS; see the module)


def bm25_params(settings: Settings) -> Bm25Params:
    return Bm25Params(
        k1=settings.bm25_k1,
        b=settings.bm25_b,
        passage_words=settings.bm25_passage_words,
        passage_overlap=settings.bm25_passage_overlap,
        by_paragraph=settings.bm25_passage_split == "paragraphs",
        table_rows=settings.bm25_table_rows,
    )


class _Bm25sScorer:
    def __init__(self, corpus: list[list[str]], params: Bm25Params = Bm25Params()):
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG
        self._model = bm25s.BM25(k1=params.k1, b=params.b)
        self._model.index(corpus, show_progress=False)

    def scores(self, tokens: list[str]) -> np.ndarray:
        return np.asarray(self._model.get_scores(tokens), dtype=np.float64)


class _PassageScorer:
    """Scores chunks by their best passage: `starts[i]` is chunk i's first passage in the passage corpus."""

    def __init__(self, passages: list[list[str]], starts: np.ndarray, params: Bm25Params):
        self._inner = _Bm25sScorer(passages, params)
        self._starts = starts

    def scores(self, tokens: list[str]) -> np.ndarray:
        return np.maximum.reduceat(self._inner.scores(tokens), self._starts)


@dataclass(frozen=True, eq=False)
class ChunkLifetimes:
    """Per chunk: its version label and when it became and stopped being current (epoch s; NaN = still current)."""

    versions: tuple[str | None, ...]
    valid_from: np.ndarray
    superseded_at: np.ndarray

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[str | None, datetime, datetime | None]]) -> ChunkLifetimes:
        return cls(
            versions=tuple(r[0] for r in rows),
            valid_from=np.array([r[1].timestamp() for r in rows], dtype=np.float64),
            superseded_at=np.array([r[2].timestamp() if r[2] else np.nan for r in rows], dtype=np.float64),
        )

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """The version rule of `filters` (see Filters), or None when it admits every chunk."""
        rule = filters.version_rule() if filters is not None else "current"
        if rule == "all":
            return None
        if rule == "versions":
            return np.array([v in filters.versions for v in self.versions], dtype=bool)
        if rule == "as_of":
            t = filters.as_of.timestamp()
            return (self.valid_from <= t) & (np.isnan(self.superseded_at) | (self.superseded_at > t))
        current = np.isnan(self.superseded_at)
        return None if current.all() else current


@dataclass(frozen=True, eq=False)
class BM25Index:
    """An immutable snapshot of the corpus: chunk ids, per-filter masks and a scorer."""

    fingerprint: Fingerprint
    backend: Backend
    ids: np.ndarray
    doc_codes: np.ndarray  # index into doc_vocab, per chunk
    doc_vocab: dict[str, int]
    program_masks: dict[str, np.ndarray]  # program -> which chunks carry it
    scorer: _Scorer | None  # None for an empty corpus
    lifetimes: ChunkLifetimes | None = None  # None: every chunk is current

    @classmethod
    def build(
        cls,
        rows: Sequence[tuple[int, str, str, Sequence[str]]],
        *,
        backend: Backend,
        fingerprint: Fingerprint = "",
        lifetimes: ChunkLifetimes | None = None,
        params: Bm25Params = Bm25Params(),
    ) -> BM25Index:
        """Index (id, text, doc_name, programs) rows; `lifetimes` gives their versions, in the same order."""
        scorer: _Scorer | None = None
        if rows and params.passage_words > 0:
            split = [
                passages(text, params.passage_words, params.passage_overlap, params.by_paragraph)
                for _, text, _, _ in rows
            ]
            starts = np.cumsum([0] + [len(p) for p in split[:-1]])
            scorer = _PassageScorer([tokenize(p) or [""] for ps in split for p in ps], starts, params)
        elif rows:  # bm25s rejects empty documents: [""] stands for one
            scorer = _Bm25sScorer([tokenize(text) or [""] for _, text, _, _ in rows], params)
        doc_vocab: dict[str, int] = {}
        doc_codes = np.array([doc_vocab.setdefault(r[2], len(doc_vocab)) for r in rows], dtype=np.int32)
        programs = sorted({p for r in rows for p in (r[3] or ())})
        program_masks = {p: np.array([p in (r[3] or ()) for r in rows], dtype=bool) for p in programs}
        return cls(
            fingerprint=fingerprint,
            backend=backend,
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            doc_codes=doc_codes,
            doc_vocab=doc_vocab,
            program_masks=program_masks,
            scorer=scorer,
            lifetimes=lifetimes,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Which chunks pass `filters` (same semantics as the SQL filter), or None for all."""
        versions = self.lifetimes.mask(filters) if self.lifetimes is not None else None
        if not filters:
            return versions
        keep = np.ones(len(self.ids), dtype=bool) if versions is None else versions
        if filters.doc_names:
            codes = [self.doc_vocab[d] for d in filters.doc_names if d in self.doc_vocab]
            keep &= np.isin(self.doc_codes, codes)
        if filters.programs:
            any_program = np.zeros(len(self.ids), dtype=bool)
            for program in filters.program_set():
                if program in self.program_masks:
                    any_program |= self.program_masks[program]
            keep &= any_program
        return keep

    def search(self, query: str, *, k: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        """(chunk id, BM25 score) for the best `k` chunks with a positive score, best first."""
        tokens = tokenize(query)
        if self.scorer is None or not tokens or k <= 0:
            return []
        scores = self.scorer.scores(tokens)
        keep = self.mask(filters)
        if keep is not None:
            scores = np.where(keep, scores, 0.0)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[scores[top] > 0]
        top = top[np.lexsort((self.ids[top], -scores[top]))]  # score desc, then id: deterministic
        return [(int(self.ids[i]), float(scores[i])) for i in top]


class BM25Cache:
    """Holds the current index; rebuilds it (once, under a lock) when the corpus fingerprint changes."""

    def __init__(self, backend: Backend, params: Bm25Params = Bm25Params()):
        self.backend = backend
        self.params = params
        self._index: BM25Index | None = None
        self._lock = threading.Lock()

    def get(self, *, session: Session) -> BM25Index:
        fingerprint = corpus_fingerprint(session=session)
        index = self._index
        if index is not None and index.fingerprint == fingerprint:
            return index
        with self._lock:
            if self._index is None or self._index.fingerprint != fingerprint:
                self._index = self._build(session, fingerprint)
            return self._index

    def _build(self, session: Session, fingerprint: Fingerprint) -> BM25Index:
        started = time.perf_counter()
        stmt = select(
            PolicyChunk.id,
            PolicyChunk.text,
            PolicyChunk.doc_name,
            PolicyChunk.programs,
            PolicyChunk.section,
            PolicyChunk.subsection,
            PolicyChunk.version,
            PolicyChunk.valid_from,
            PolicyChunk.superseded_at,
            PolicyChunk.context,
        )
        rows, lives = [], []
        for r in session.execute(stmt.order_by(PolicyChunk.id).execution_options(yield_per=5000)):
            if r.context and not self.params.table_rows:  # a table row: its words are indexed in its section's chunk
                continue
            rows.append(
                (r.id, contextual_text(r.text, r.doc_name, r.section, r.subsection, r.context), r.doc_name, r.programs)
            )
            lives.append((r.version, r.valid_from, r.superseded_at))
        index = BM25Index.build(
            rows,
            backend=self.backend,
            fingerprint=fingerprint,
            lifetimes=ChunkLifetimes.from_rows(lives),
            params=self.params,
        )
        log.info(
            "BM25 index (%s) over %d chunks built in %.2fs", self.backend, len(index), time.perf_counter() - started
        )
        return index


def bm25_search(
    *, session: Session, index: BM25Index, query: str, k: int, filters: Filters | None = None
) -> list[ScoredChunk]:
    """The `k` best BM25 matches for `query`, loaded from the database, best first."""
    hits = index.search(query, k=k, filters=filters)
    chunks = load_chunks(session=session, ids=[cid for cid, _ in hits])
    return [ScoredChunk(chunks[cid], score) for cid, score in hits if cid in chunks]
