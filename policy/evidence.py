"""Find the policy passage that states a rule, read its threshold, and cite it.

A rule's sentence is searched for in the chunks the retrieval pipeline returns for the rule's
query (filtered by loan program). Found: the numbers come from that text and the citation is
that chunk. Not found: the evidence is empty and the finding is UNVERIFIED (the file is referred).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from policy.rules import Rule, Threshold, extract, load_rules
from policy.types import CitedQuote
from rag.pdf import PAGE_SEPARATOR
from rag.retrieval.pipeline import Retriever
from rag.retrieval.types import Filters

SCAN_DEPTH = 8  # retrieved chunks searched for the rule's sentence, best first


@dataclass(frozen=True)
class Evidence:
    rule: Rule
    threshold: Threshold | None
    citation: CitedQuote | None
    trace: dict[str, Any]  # the retrieval trace that found (or failed to find) the passage

    @property
    def found(self) -> bool:
        return self.threshold is not None

    def value(self, name: str = "value"):
        """A number read from the passage (Decimal); KeyError if the rule's sentence lacks it."""
        if self.threshold is None:
            raise LookupError(f"{self.rule.id}: passage not found")
        return self.threshold.value if name == "value" else self.threshold.values[name]


class EvidenceResolver:
    """Resolves rules to evidence; results are cached per corpus version, since the same corpus
    always yields the same passage for the same rule query."""

    def __init__(self, retriever: Retriever, rules: tuple[Rule, ...] | None = None):
        self.retriever = retriever
        self.rules = {r.id: r for r in (rules or load_rules())}
        self._cache: dict[tuple[str, str], Evidence] = {}
        self._lock = threading.Lock()
        self._docs: dict[str, str] | None = None

    def rules_for(self, program: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.program == program]

    def resolve(self, rule_id: str, *, corpus_version: str) -> Evidence:
        key = (rule_id, corpus_version)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        evidence = self._search(self.rules[rule_id])
        with self._lock:
            self._cache[key] = evidence
        return evidence

    def _search(self, rule: Rule) -> Evidence:
        """The rule's sentence in the retrieved chunks of ITS document. A match only in another document,
        or matches in its document that state different numbers, leave the rule unverified."""
        filters = Filters(programs=(rule.program,)) if rule.program != "all" else None
        result = self.retriever.retrieve(rule.query, filters, k=SCAN_DEPTH)
        trace = result.trace.to_dict()
        found: list[tuple[Any, Threshold]] = []
        wrong_doc = False
        for scored in result.chunks:
            threshold = extract(rule, scored.chunk.text)
            if threshold is None:
                continue
            if self._document_of(scored.chunk) not in (rule.doc_id, None):
                wrong_doc = True
                continue
            found.append((scored.chunk, threshold))
        if len({tuple(sorted(t.values.items())) for _, t in found}) > 1:
            return Evidence(rule, None, None, {**trace, "unverified": "was found in passages of its document that disagree"})
        if not found:
            why = {"unverified": "was found only in another document"} if wrong_doc else {}
            return Evidence(rule, None, None, {**trace, **why})
        chunk, threshold = found[0]
        # pages are joined by a blank line and pages hold none: count them to find the quote's page
        page = chunk.page_num + chunk.text[: threshold.span[0]].count(PAGE_SEPARATOR)
        citation = CitedQuote(chunk_id=chunk.id, doc_name=chunk.doc_name, page_num=page,
                              section=chunk.section, subsection=chunk.subsection, quote=threshold.quote)
        return Evidence(rule, threshold, citation, trace)

    def _document_of(self, chunk: Any) -> str | None:
        """The file stem (rule `doc_id`) of the chunk's document; None when it cannot be looked up."""
        with self._lock:
            if self._docs is None:
                self._docs = _document_ids(getattr(self.retriever, "_session_factory", None))
        return self._docs.get(chunk.doc_name)


def _document_ids(session_factory: Any) -> dict[str, str]:
    """Document title -> file stem, from the ingested documents (empty without a database)."""
    if session_factory is None:
        return {}
    from core.models import PolicyDocument  # noqa: PLC0415  (only this lookup needs the ORM)

    with session_factory() as session:
        rows = session.execute(select(PolicyDocument.doc_name, PolicyDocument.file_name)).all()
    return {name: Path(file_name).stem for name, file_name in rows}
