"""Query rewriting: the original query plus up to three variants, deduplicated.

Offline, variants come from the domain glossary (seed_data/glossary.json): abbreviations spelled
out, spelled-out terms abbreviated, and both forms side by side. With an LLM, it proposes them.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

GLOSSARY_PATH = PROJECT_ROOT / "seed_data" / "glossary.json"
MAX_VARIANTS = 3  # besides the original: each variant costs one dense and one BM25 lookup


class Rewriter(Protocol):
    def variants(self, query: str) -> list[str]:
        """The original query first, then distinct variants."""
        ...


@dataclass(frozen=True)
class GlossaryTerm:
    abbr: str
    expansion: str
    aliases: tuple[str, ...] = ()


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.casefold()).strip()


def _phrase_pattern(phrase: str) -> str:
    """A regex for `phrase` where any run of spaces or hyphens matches any other."""
    words = re.split(r"[\s\-]+", phrase.strip())
    return r"(?<![\w-])" + r"[\s\-]+".join(re.escape(w) for w in words) + r"(?![\w-])"


def _alternation(phrases: Sequence[str]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)  # longest first: "MIP" before "MI"
    return re.compile("|".join(_phrase_pattern(p) for p in ordered), re.IGNORECASE)


def dedupe(queries: Sequence[str]) -> list[str]:
    """Drop blanks and repeats (ignoring case, spacing and hyphens), keeping first occurrences."""
    seen: set[str] = set()
    out = []
    for query in queries:
        query = " ".join(query.split())
        if query and _key(query) not in seen:
            seen.add(_key(query))
            out.append(query)
    return out


def _collapse_repeats(text: str) -> str:
    """'debt-to-income ratio ratio' -> 'debt-to-income ratio' after replacing 'DTI ratio'."""
    return re.sub(r"\b(\w+)(\s+\1\b)+", r"\1", text, flags=re.IGNORECASE)


class Glossary:
    """Abbreviation <-> spelled-out lookups over a list of terms."""

    def __init__(self, terms: Sequence[GlossaryTerm]):
        self.terms = tuple(terms)
        self._by_abbr = {_key(t.abbr): t for t in self.terms}
        self._by_full = {_key(p): t for t in self.terms for p in (t.expansion, *t.aliases)}
        self._abbr_re = _alternation([t.abbr for t in self.terms])
        self._full_re = _alternation(list({p for t in self.terms for p in (t.expansion, *t.aliases)}))

    @classmethod
    def load(cls, path: Path = GLOSSARY_PATH) -> Glossary:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls([GlossaryTerm(t["abbr"], t["expansion"], tuple(t.get("aliases", ()))) for t in data["terms"]])

    def expand(self, text: str) -> tuple[str, list[GlossaryTerm]]:
        """Spell out every abbreviation; also return the terms found."""
        found: list[GlossaryTerm] = []

        def sub(match: re.Match[str]) -> str:
            found.append(self._by_abbr[_key(match.group(0))])
            return found[-1].expansion

        return _collapse_repeats(self._abbr_re.sub(sub, text)), found

    def abbreviate(self, text: str) -> tuple[str, list[GlossaryTerm]]:
        """Replace every spelled-out term with its abbreviation; also return the terms found."""
        found: list[GlossaryTerm] = []

        def sub(match: re.Match[str]) -> str:
            found.append(self._by_full[_key(match.group(0))])
            return found[-1].abbr

        return _collapse_repeats(self._full_re.sub(sub, text)), found


class GlossaryRewriter:
    """Offline rewriting: expanded, abbreviated, and both forms side by side."""

    def __init__(self, glossary: Glossary, max_variants: int = MAX_VARIANTS):
        self.glossary = glossary
        self.max_variants = max_variants

    def variants(self, query: str) -> list[str]:
        expanded, abbrs = self.glossary.expand(query)
        abbreviated, fulls = self.glossary.abbreviate(query)
        other_forms = [t.expansion for t in abbrs] + [t.abbr for t in fulls]
        both = " ".join([query, *dict.fromkeys(other_forms)])
        candidates = [query]
        if abbrs:
            candidates.append(expanded)
        if fulls:
            candidates.append(abbreviated)
        if other_forms:
            candidates.append(both)
        return dedupe(candidates)[: 1 + self.max_variants]


REWRITE_PROMPT = (
    "You rewrite search queries for a mortgage credit-policy library. Give {n} alternative "
    "phrasings of the query below, one per line, no numbering, no commentary. Spell out "
    "abbreviations in one of them.\n\nQuery: {query}"
)


class LLMRewriter:
    """Variants proposed by a language model (`complete`: prompt -> text), glossary as fallback."""

    def __init__(self, complete: Callable[[str], str], fallback: Rewriter, max_variants: int = MAX_VARIANTS):
        self._complete = complete
        self._fallback = fallback
        self.max_variants = max_variants

    def variants(self, query: str) -> list[str]:
        try:
            reply = self._complete(REWRITE_PROMPT.format(n=self.max_variants, query=query))
        except Exception as exc:  # any provider failure: rewriting is an optimisation, never a blocker
            log.warning("LLM query rewrite failed (%s: %s); using the glossary", type(exc).__name__, exc)
            return self._fallback.variants(query)
        lines = [re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", line).strip(" \"'") for line in reply.splitlines()]
        return dedupe([query, *lines])[: 1 + self.max_variants]
