"""Typed data passed between the retrieval stages, and the trace that records each stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from core.citation import Citation


@dataclass(frozen=True)
class Filters:
    """Metadata filters. Values within a field are OR-ed, fields are AND-ed.

    A program filter matches chunks whose programs contain the program or 'all'. Versions: by
    default only the current version of each document; `as_of` = the corpus as it stood at that
    moment (replay); `versions` = those version labels; `all_versions` = every stored version.
    """

    doc_names: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    as_of: datetime | None = None
    versions: tuple[str, ...] = ()
    all_versions: bool = False

    def __bool__(self) -> bool:
        """True when anything besides the default current-version rule narrows the search."""
        return bool(self.doc_names or self.programs or self.as_of or self.versions or self.all_versions)

    def program_set(self) -> tuple[str, ...]:
        """Programs a chunk may carry to pass the program filter ('all' documents always pass)."""
        return (*self.programs, "all") if self.programs else ()

    def version_rule(self) -> str:
        """'current', 'all', 'versions' or 'as_of': which version rule applies (first that is set)."""
        if self.versions:
            return "versions"
        if self.as_of is not None:
            return "as_of"
        return "all" if self.all_versions else "current"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_names": list(self.doc_names), "programs": list(self.programs)}
        rule = self.version_rule()
        if rule == "versions":
            out["versions"] = list(self.versions)
        elif rule == "as_of":
            out["as_of"] = [self.as_of.isoformat()]
        elif rule == "all":
            out["versions"] = ["all"]
        return out


@dataclass(frozen=True)
class Chunk:
    """A stored passage. `embedding` is the unit-length vector when loaded (needed by MMR)."""

    id: int
    text: str
    doc_name: str
    page_num: int
    page_end: int
    section: str | None = None
    subsection: str | None = None
    char_offset: int = 0
    char_end: int = 0
    programs: tuple[str, ...] = ()
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)
    context: str | None = None  # a table row's caption and column header, read with the row (rag.tables)

    @property
    def citation(self) -> Citation:
        return Citation(
            chunk_id=self.id,
            doc_name=self.doc_name,
            page_num=self.page_num,
            page_end=self.page_end,
            section=self.section,
            subsection=self.subsection,
            char_offset=self.char_offset,
            char_end=self.char_end,
        )


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with the score the stage that produced it gave it (higher is better)."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class StageTrace:
    """One stage's output: its ranked hits (or, for rewriting, the query variants) and its time."""

    stage: str  # rewrite | dense | bm25 | rrf | mmr | rerank | verify (only with a configured verifier)
    ms: float
    query: str | None = None  # the variant a retriever list belongs to
    hits: tuple[ScoredChunk, ...] = ()
    variants: tuple[str, ...] = ()
    note: str = ""  # e.g. the BM25 backend or the reranker's name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stage": self.stage, "ms": round(self.ms, 3)}
        if self.query is not None:
            out["query"] = self.query
        if self.variants:
            out["variants"] = list(self.variants)
        if self.note:
            out["note"] = self.note
        if self.stage != "rewrite":
            out["hits"] = [
                {"id": h.chunk.id, "rank": rank, "score": round(h.score, 6)}
                for rank, h in enumerate(self.hits, start=1)
            ]
        return out


@dataclass(frozen=True)
class RetrievalTrace:
    """Every stage of one `retrieve` call, in order, plus the final list with its citations."""

    query: str
    filters: Filters
    k: int
    stages: tuple[StageTrace, ...]
    results: tuple[ScoredChunk, ...]
    total_ms: float

    def stage(self, name: str) -> list[StageTrace]:
        return [s for s in self.stages if s.stage == name]

    def to_dict(self) -> dict[str, Any]:
        """Compact and JSON-serialisable: ids, ranks, scores, ms, and the final citations."""
        return {
            "query": self.query,
            "filters": self.filters.to_dict(),
            "k": self.k,
            "total_ms": round(self.total_ms, 3),
            "stages": [s.to_dict() for s in self.stages],
            "results": [
                {"rank": rank, "score": round(r.score, 6), **r.chunk.citation.to_dict()}
                for rank, r in enumerate(self.results, start=1)
            ],
        }


@dataclass(frozen=True)
class RetrievalResult:
    """The top chunks, best first, and the trace of how they were found."""

    query: str
    chunks: tuple[ScoredChunk, ...]
    trace: RetrievalTrace
    # the configured verifier's judgement (rag.retrieval.verifier); None without one or when it fell back
    answerable: bool | None = None

    @property
    def citations(self) -> list[Citation]:
        return [c.chunk.citation for c in self.chunks]
