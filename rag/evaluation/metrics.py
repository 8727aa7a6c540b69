"""Our citation-level metrics: pure functions over ranked page spans and reference pages.

A retrieved chunk (or a cited sentence) is relevant when it is in a reference's document and its page
range covers the reference's page. Reference pages are deduplicated: two passages on one page count once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

V = TypeVar("V")

# Every metric an eval run reports, in display order (recall_at_<k> first). PostgreSQL's jsonb does not
# keep key order, so stored runs are put back in this order when read.
CITATION_METRICS = ("mrr", "citation_recall", "citation_precision", "abstention_accuracy")
OFFLINE_RAGAS_METRICS = (
    "non_llm_context_recall",
    "non_llm_context_precision",
    "rouge_l",
    "string_similarity",
    "semantic_similarity",
)
JUDGED_METRICS = ("faithfulness", "context_precision", "context_recall", "answer_relevancy")
_ORDER = {name: i for i, name in enumerate((*CITATION_METRICS, *OFFLINE_RAGAS_METRICS, *JUDGED_METRICS), start=1)}


@dataclass(frozen=True)
class PageSpan:
    """Where a chunk or citation lies: a document and its first and last page."""

    doc_name: str
    page_num: int
    page_end: int

    def covers(self, page: PagePoint) -> bool:
        return self.doc_name == page.doc_name and self.page_num <= page.page_num <= self.page_end


@dataclass(frozen=True)
class PagePoint:
    """A reference page."""

    doc_name: str
    page_num: int


def _distinct(pages: Iterable[PagePoint]) -> list[PagePoint]:
    return list(dict.fromkeys(pages))


def recall_at_k(ranked: Sequence[PageSpan], references: Sequence[PagePoint], k: int) -> float:
    """Share of the distinct reference pages that some chunk in the top `k` covers."""
    pages = _distinct(references)
    if not pages:
        raise ValueError("recall needs at least one reference page")
    top = ranked[:k]
    return sum(any(span.covers(p) for span in top) for p in pages) / len(pages)


def reciprocal_rank(ranked: Sequence[PageSpan], references: Sequence[PagePoint]) -> float:
    """1 / rank of the first chunk covering any reference page; 0 when none does."""
    if not references:
        raise ValueError("reciprocal rank needs at least one reference page")
    for rank, span in enumerate(ranked, start=1):
        if any(span.covers(p) for p in references):
            return 1.0 / rank
    return 0.0


def citation_recall(cited: Sequence[PageSpan], references: Sequence[PagePoint]) -> float:
    """Share of the distinct reference pages the answer cites (rank does not matter)."""
    return recall_at_k(cited, references, len(cited))


def citation_precision(cited: Sequence[PageSpan], references: Sequence[PagePoint]) -> float | None:
    """Share of the answer's citations that land on a reference page; None when the answer cites nothing."""
    if not cited:
        return None
    return sum(any(span.covers(p) for p in references) for span in cited) / len(cited)


def abstained_correctly(answerable: bool, sufficient: bool) -> float | None:
    """For an unanswerable question, 1.0 when the answer says "insufficient context"; None otherwise."""
    if answerable:
        return None
    return 0.0 if sufficient else 1.0


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the scored values (None and NaN are "not scored"); None when nothing was scored."""
    kept = [v for v in values if v is not None and not math.isnan(v)]
    return sum(kept) / len(kept) if kept else None


def in_display_order(scores: dict[str, V]) -> dict[str, V]:
    """`scores` with its keys ("metric" or "metric@judge") in display order; unknown metrics last, by name."""

    def rank(key: str) -> tuple[int, str, str]:
        metric, _, judge = key.partition("@")
        return (0 if metric.startswith("recall_at_") else _ORDER.get(metric, len(_ORDER) + 1), judge, metric)

    return {key: scores[key] for key in sorted(scores, key=rank)}
