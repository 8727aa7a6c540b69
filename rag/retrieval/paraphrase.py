"""Lay-term expansion: a query in everyday words is also searched with the regulations' own terms.

Offline and deterministic. `seed_data/lay_terms.json` maps everyday phrasings ("stops paying",
"taking the house") to the formal words the documents use ("delinquency", "foreclosure"). A query
that uses any of them gets one extra variant, the query with those formal terms appended; a query
in the documents' own vocabulary is left alone, so exact-figure and acronym questions search as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.settings import PROJECT_ROOT
from rag.retrieval.rewrite import Rewriter, _phrase_pattern, dedupe

LAY_TERMS_PATH = PROJECT_ROOT / "seed_data" / "lay_terms.json"


@dataclass(frozen=True)
class LayTerm:
    lay: tuple[str, ...]  # everyday phrasings of one idea
    formal: str  # the words the documents use for it


class LayTerms:
    """Finds the lay phrasings in a query (whole words, any case; hyphens and spaces alike)."""

    def __init__(self, entries: Sequence[LayTerm]):
        self.entries = tuple(entries)
        phrases = sorted({p for e in self.entries for p in e.lay}, key=len, reverse=True)
        self._formal = {_norm(p): e.formal for e in self.entries for p in e.lay}
        self._re = re.compile("|".join(_phrase_pattern(p) for p in phrases), re.IGNORECASE) if phrases else None

    @classmethod
    def load(cls, path: Path = LAY_TERMS_PATH) -> LayTerms:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls([LayTerm(tuple(e["lay"]), e["formal"]) for e in data["entries"]])

    def formal_terms(self, query: str) -> list[str]:
        """The formal terms for the lay phrasings in `query`, in order of appearance, without repeats
        and without words the query already has."""
        if self._re is None:
            return []
        present = set(re.findall(r"[\w/-]+", query.casefold()))
        found = dict.fromkeys(self._formal[_norm(m.group(0))] for m in self._re.finditer(query))
        words = [w for term in found for w in term.split() if w.casefold() not in present]
        return list(dict.fromkeys(words))


def _norm(phrase: str) -> str:
    return re.sub(r"[\s\-]+", " ", phrase.casefold()).strip()


class LayTermRewriter:
    """Wraps another rewriter: its variants, then the original query with the formal terms appended."""

    def __init__(self, terms: LayTerms, inner: Rewriter | None = None):
        self.terms = terms
        self.inner = inner

    def variants(self, query: str) -> list[str]:
        base = self.inner.variants(query) if self.inner is not None else [query]
        extra = self.terms.formal_terms(query)
        return dedupe([*base, f"{query} {' '.join(extra)}"]) if extra else base
