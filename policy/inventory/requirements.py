"""Conditions and human-review triggers from the requirement inventory (policy/inventory/entries.py), cited.

For one application: every inventory entry of its program (or of an all-program document) that is a
review trigger, a file condition or a standard condition and whose `applies_when` holds (rules are the
engine's; a sentence that is not an obligation does nothing). A review trigger gives a REVIEW finding;
a file condition a CONDITION finding; a standard condition (every file of the program) is listed with
its citation and does not change APPROVE. An entry whose sentence is not found in the
ingested corpus gives an UNVERIFIED finding (the file is referred), never silence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.models import PolicyChunk, PolicyDocument
from core.schemas import LoanApplication
from core.text import normalise_with_offsets as _normalise_with_offsets
from policy.figures import RatioFigures
from policy.inventory.entries import RATIO_FIELDS, Inventory, Requirement, load_inventory
from policy.types import CitedQuote, Finding
from rag.pdf import PAGE_SEPARATOR

_COMPARE = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}


@dataclass(frozen=True)
class CorpusChunk:
    id: int
    doc: str  # file stem, as in the inventory
    doc_name: str
    page_num: int
    section: str | None
    subsection: str | None
    text: str


@dataclass(frozen=True)
class RequirementResult:
    findings: tuple[Finding, ...]
    standard_ids: tuple[str, ...]  # inventory ids of the standard conditions that apply (their passages found)


def corpus_chunks(*, session: Session, document_ids: tuple[int, ...] | None = None) -> list[CorpusChunk]:
    """Every chunk of the document versions asked for (default: every stored one) with the stem of the
    file it came from, in document order."""
    query = select(
        PolicyChunk.id,
        PolicyDocument.file_name,
        PolicyChunk.doc_name,
        PolicyChunk.page_num,
        PolicyChunk.section,
        PolicyChunk.subsection,
        PolicyChunk.text,
    ).join(PolicyDocument, PolicyDocument.id == PolicyChunk.document_id)
    if document_ids is not None:
        query = query.where(PolicyDocument.id.in_(document_ids))
    rows = session.execute(query.order_by(PolicyDocument.file_name, PolicyChunk.chunk_index)).all()
    return [
        CorpusChunk(r.id, Path(r.file_name).stem, r.doc_name, r.page_num, r.section, r.subsection, r.text) for r in rows
    ]


class Locator:
    """Finds the chunk that states an inventory sentence; built once per database and corpus version."""

    def __init__(self, chunks: list[CorpusChunk]):
        self._by_doc: dict[str, list[tuple[CorpusChunk, str, list[int]]]] = {}
        self._cited: dict[str, CitedQuote | None] = {}
        self.docs: frozenset[str] = frozenset(c.doc for c in chunks)
        for c in chunks:
            self._by_doc.setdefault(c.doc, []).append((c, *_normalise_with_offsets(c.text)))

    def cite(self, req: Requirement) -> CitedQuote | None:
        """The citation of the entry's sentence (looked up once per entry: the corpus does not change)."""
        if req.id not in self._cited:
            self._cited[req.id] = self._find(req)
        return self._cited[req.id]

    def _find(self, req: Requirement) -> CitedQuote | None:
        for chunk, norm, offsets in self._by_doc.get(req.doc, []):
            at = norm.find(req.sentence)
            if at >= 0:
                page = chunk.page_num + chunk.text[: offsets[at]].count(PAGE_SEPARATOR)
                return CitedQuote(
                    chunk_id=chunk.id,
                    doc_name=chunk.doc_name,
                    page_num=page,
                    section=chunk.section,
                    subsection=chunk.subsection,
                    quote=req.sentence,
                )
        return None


_LOCATORS: dict[tuple[str, str], Locator] = {}
_LOCK = threading.Lock()


def locator_for(
    session_factory: sessionmaker[Session], corpus_version: str, document_ids: tuple[int, ...] | None = None
) -> Locator:
    """The locator over the pinned document versions (`document_ids`, a publication's), or every stored one."""
    bind = session_factory.kw.get("bind")
    key = (str(getattr(bind, "url", id(session_factory))), f"{corpus_version}:{document_ids}")
    with _LOCK:
        found = _LOCATORS.get(key)
    if found is None:
        with session_factory() as session:
            found = Locator(corpus_chunks(session=session, document_ids=document_ids))
        with _LOCK:
            _LOCATORS[key] = found
    return found


def applies(req: Requirement, inv: Inventory, app: LoanApplication, ratios: RatioFigures) -> bool:
    """Whether the entry speaks to this file: its document's program and every `applies_when` test."""
    if inv.doc_programs[req.doc] not in ("all", app.loan_type):
        return False
    return _holds(req.applies_when, app, ratios)


def _holds(when: dict[str, Any], app: LoanApplication, ratios: RatioFigures) -> bool:
    """Every test holds; "any" holds when one of its alternatives does; a list of values holds when the
    field's value is one of them (for a field that is itself a list, when one of its items is)."""
    for name, cond in when.items():
        if name == "any":
            if not any(_holds(alt, app, ratios) for alt in cond):
                return False
            continue
        value = getattr(ratios if name in RATIO_FIELDS else app, name)
        if isinstance(cond, list):
            if not (_any_listed(value, cond) if isinstance(value, tuple) else value in cond):
                return False
        elif value is None or not all(
            _COMPARE[op](Decimal(str(value)), Decimal(str(limit))) for op, limit in cond.items()
        ):
            return False
    return True


def describes(locator: Locator, inv: Inventory | None = None) -> bool:
    """Whether the inventory is this corpus's: it maps sentences of at least one document the corpus holds
    (a lender's own guide, under other file names, is not described by our inventory)."""
    return bool(locator.docs & set((inv or load_inventory()).doc_programs))


def _any_listed(items: tuple[Any, ...], listed: list[Any]) -> bool:
    """One of a list field's items is listed (text compared without case: "bankruptcy" is "Bankruptcy")."""
    fold = lambda v: v.casefold() if isinstance(v, str) else v  # noqa: E731
    return bool({fold(v) for v in items} & {fold(v) for v in listed})


def evaluate(
    app: LoanApplication, ratios: RatioFigures, locator: Locator, inv: Inventory | None = None
) -> RequirementResult:
    inv = inv or load_inventory()
    findings: list[Finding] = []
    standard: list[str] = []  # ids only: the state and checkpoints stay small; `standard_texts` renders them
    for req in inv.requirements:
        if req.maps_to in ("rule", "not_obligation") or not applies(req, inv, app, ratios):
            continue
        citation = locator.cite(req)
        if citation is None:
            findings.append(_unverified(req))
        elif req.standard:
            standard.append(req.id)
        else:
            findings.append(_finding(req, citation))
    return RequirementResult(tuple(findings), tuple(standard))


def _finding(req: Requirement, citation: CitedQuote) -> Finding:
    review = req.maps_to == "review"
    verb = "A person must decide: " if review else "Before closing: "
    return Finding(
        rule_id=f"requirement.{req.id}",
        label=_label(req),
        status="REVIEW" if review else "CONDITION",
        message=verb + (req.note or req.sentence),
        citation=citation,
    )


def _unverified(req: Requirement) -> Finding:
    return Finding(
        rule_id=f"requirement.{req.id}",
        label=_label(req),
        status="UNVERIFIED",
        message=f"The policy sentence '{req.sentence}' was not found in the ingested corpus; "
        "the requirement cannot be applied, so a person must review the file.",
    )


def _label(req: Requirement) -> str:
    text = req.note or req.sentence
    return text if len(text) <= 90 else text[:87].rstrip() + "..."


def standard_texts(ids: list[str] | tuple[str, ...], locator: Locator, inv: Inventory | None = None) -> tuple[str, ...]:
    """ "sentence (citation)" for each standard condition id, for the decision report."""
    by_id = {r.id: r for r in (inv or load_inventory()).requirements}
    out = []
    for rid in ids:
        req = by_id.get(rid)
        citation = locator.cite(req) if req else None
        if req and citation:
            out.append(f"{req.sentence} ({citation.label()})")
    return tuple(out)
