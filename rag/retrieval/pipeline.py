"""The retrieval service: rewrite -> dense + BM25 per variant -> RRF -> MMR -> rerank, each stage traced."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings, get_settings
from rag.embeddings import Embedder
from rag.retrieval.bm25 import BM25Cache, bm25_params, bm25_search
from rag.retrieval.definitions import GlossaryCache
from rag.retrieval.dense import dense_search, set_ef_search
from rag.retrieval.fusion import rrf
from rag.retrieval.links import with_rules
from rag.retrieval.mmr import mmr
from rag.retrieval.paraphrase import LayTerms
from rag.retrieval.rerank import Reranker
from rag.retrieval.rewrite import Glossary, GlossaryRewriter, Rewriter, dedupe
from rag.retrieval.store import current_document_names
from rag.retrieval.types import Filters, RetrievalResult, RetrievalTrace, ScoredChunk, StageTrace
from rag.retrieval.verifier import LLMVerifier, build_verifier

log = logging.getLogger(__name__)

T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - started) * 1000.0


class Retriever:
    """Built once per process with its collaborators; `retrieve` is safe to call from many threads."""

    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        embedder: Embedder,
        reranker: Reranker,
        settings: Settings,
        rewriter: Rewriter | None = None,
        verifier: LLMVerifier | None = None,
    ):
        self._session_factory = session_factory
        self.embedder = embedder
        self.reranker = reranker
        self.settings = settings
        self.rewriter = rewriter or GlossaryRewriter(Glossary.load(), settings.rewrite_max_variants)
        self.lay_terms = LayTerms.load() if settings.lay_term_expansion else None
        self._glossary = Glossary.load() if settings.lay_term_expansion and settings.lay_term_acronyms else None
        self.bm25 = BM25Cache(settings.bm25_backend, bm25_params(settings))
        self.definitions = GlossaryCache(embedder) if settings.definition_expansion else None
        self.verifier = verifier

    def retrieve(self, query: str, filters: Filters | None = None, k: int = 5) -> RetrievalResult:
        """The top `k` chunks for `query` (optionally filtered), with the trace of every stage."""
        query = " ".join(query.split())
        if not query:
            raise ValueError("empty query")
        if k < 1:
            raise ValueError("k must be at least 1")
        filters = filters or Filters()
        started = time.perf_counter()
        stages: list[StageTrace] = []
        with self._session_factory() as session:
            variants, ms = _timed(lambda: self._variants(query, session))
            stages.append(StageTrace("rewrite", ms, variants=tuple(variants)))
            lists = self._first_stage(session, variants, filters, stages)
            s = self.settings
            fused, ms = _timed(lambda: rrf(lists, k=s.rrf_k, limit=s.fused_candidates))
            stages.append(StageTrace("rrf", ms, hits=tuple(fused)))
            if s.rule_links:
                linked, ms = _timed(lambda: with_rules(session, fused, s.rule_links, filters))
                if linked.pairs:  # traced only where it placed a rule, with the pairs it linked
                    fused = linked.hits
                    stages.append(StageTrace("link", ms, hits=tuple(fused), note=linked.note()))
        diverse, ms = _timed(lambda: mmr(fused, lambda_=s.mmr_lambda, k=max(k, s.rerank_candidates)))
        stages.append(StageTrace("mmr", ms, hits=tuple(diverse)))
        wanted = max(k, self.verifier.candidates) if self.verifier is not None else k
        final, ms = _timed(lambda: self.reranker.rerank(query, diverse, wanted))
        stages.append(StageTrace("rerank", ms, hits=tuple(final), note=self.reranker.name))
        answerable = None
        if self.verifier is not None:
            verdict, ms = _timed(lambda: self.verifier.verify(query, final, k))
            final, answerable = verdict.hits, verdict.answerable
            stages.append(StageTrace("verify", ms, hits=tuple(final), note=verdict.note))
        total = (time.perf_counter() - started) * 1000.0
        trace = RetrievalTrace(query, filters, k, tuple(stages), tuple(final), total)
        log.debug("retrieved %d chunks for %r in %.1f ms", len(final), query, total)
        return RetrievalResult(query, tuple(final), trace, answerable)

    def document_names(self) -> list[str]:
        """The names of the documents in the corpus now (current versions)."""
        with self._session_factory() as session:
            return current_document_names(session=session)

    def _variants(self, query: str, session: Session) -> list[str]:
        """The original query (or, in replace mode, its expansion by lay terms and mined definitions),
        then the rewriter's variants when on, then (in add mode) the expanded variant."""
        variants = self.rewriter.variants(query) if self.settings.query_rewrite else [query]
        formal = self.lay_terms.formal_terms(query) if self.lay_terms is not None else []
        if self.definitions is not None:
            s = self.settings
            formal += self.definitions.get(session=session).terms_for(
                query, self.embedder.embed_query(query), min_score=s.definition_min_score, limit=s.definition_max_terms
            )
        if self._glossary is not None and not self.settings.query_rewrite:
            # abbreviations spelled out too ("CLTV" -> "combined loan-to-value ratio"); with glossary
            # rewriting on, its own variants already carry them
            formal += [t.expansion for t in dict.fromkeys(self._glossary.expand(query)[1])]
        if not formal:
            return variants
        expanded = f"{query} {' '.join(formal)}"
        replace = self.settings.lay_term_mode == "replace"
        return dedupe([expanded, *variants[1:]] if replace else [*variants, expanded])

    def _first_stage(
        self, session: Session, variants: list[str], filters: Filters, stages: list[StageTrace]
    ) -> list[list[ScoredChunk]]:
        """Dense and BM25 lists for every variant, in (variant, retriever) order."""
        s = self.settings
        set_ef_search(session=session, ef_search=max(s.hnsw_ef_search, s.dense_candidates))
        index, build_ms = _timed(lambda: self.bm25.get(session=session))
        lists: list[list[ScoredChunk]] = []
        for variant in variants:
            hits, ms = _timed(
                lambda: dense_search(
                    session=session,
                    query_vec=self.embedder.embed_query(variant),
                    k=s.dense_candidates,
                    filters=filters,
                    window_margin=s.dense_window_margin,
                    rows_per_table=s.rows_per_table,
                )
            )
            stages.append(StageTrace("dense", ms, query=variant, hits=tuple(hits)))
            lists.append(hits)
            hits, ms = _timed(
                lambda: bm25_search(session=session, index=index, query=variant, k=s.bm25_candidates, filters=filters)
            )
            stages.append(StageTrace("bm25", ms + build_ms, query=variant, hits=tuple(hits), note=index.backend))
            build_ms = 0.0  # an index (re)build or freshness check is charged to the first BM25 list
            lists.append(hits)
        return lists


@lru_cache(maxsize=1)
def get_retriever() -> Retriever:
    """The process-wide retriever (database, embedder and reranker loaded on first use)."""
    from core.db import get_sessionmaker
    from rag.embeddings import get_embedder, with_vector_cache
    from rag.retrieval.rerank import build_reranker

    settings = get_settings()
    return Retriever(
        session_factory=get_sessionmaker(),
        embedder=with_vector_cache(get_embedder(), settings),  # the model loads only for texts not seen before
        reranker=build_reranker(settings),
        settings=settings,
        verifier=build_verifier(settings),
    )
