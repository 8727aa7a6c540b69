"""Draft a rulebook from any lender's guide: for each engine slot (`policy.slots`), the sentence, clause
or limit-table row that states it, read with `policy.grammar` (numbers in digits or words with their unit,
comparators, subject terms) and `policy.draft_kinds` (kind cues, conditions, which number is which value).

Offline and deterministic. A proposal is a draft for a person to check and publish, never a rule by
itself: each carries its citation (document, 1-based page, section, sentence or row) and a confidence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from policy import draft_kinds as dk
from policy.draft_read import Document, Passage, read_document
from policy.draft_statements import best_statements
from policy.grammar import QUANTITY, Quantity, canonical_words, comparator, quantities, similarity, speaks_of
from policy.sentences import is_obligation
from policy.slots import Slot, load_slots

log = logging.getLogger(__name__)

MAX_KINDS = {
    "max_dti",
    "max_front_end",
    "max_ltv",
    "max_loan_amount",
    "max_income_pct_ami",
    "max_term_months",
    "max_points_and_fees_pct",
    "max_adverse_reasons",
    "notice_deadline_days",
}
MIN_KINDS = {"min_credit_score", "min_reserves_months", "min_employment_years", "reserves_other_properties"}
_CLAUSE = re.compile(r";\s+|,\s+(?:and|but)\s+")
_ANAPHOR = re.compile(
    r"\b(?:the|this|that|such a) (?:ratio|deadline|limit|period)\b|\bsuch (?:a )?file\b", re.IGNORECASE
)
_ITEM = re.compile(r"^[–•\-\u2022]\s+")
_THRESHOLD_UNITS = {"percent", "usd", "months", "years", "days"}


@dataclass(frozen=True)
class Reading:
    """A piece of text a rule is read from: a sentence, one of its clauses, a table row or a whole table."""

    text: str  # what the numbers are read from
    about: str  # text the subject, cues and conditions are read from (the reading plus its context)
    program: str
    passage: Passage
    cited: str  # the sentence or row(s) the citation quotes


@dataclass(frozen=True)
class Proposal:
    slot: Slot
    values: dict[str, tuple[Decimal, str]] = field(hash=False)
    conditions: dict[str, tuple] = field(hash=False)
    passage: Passage
    sentence: str
    confidence: float
    source: str = "grammar"  # or "llm": proposed by a configured model, checked by policy.draft_llm


@dataclass
class Draft:
    documents: list[Document]
    proposals: list[Proposal]
    missing: list[Slot]
    unmatched: list[Passage]
    valueless: list[Slot]

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)


def pdf_paths(args: list[str]) -> list[Path]:
    """The PDFs named, a folder's PDFs in name order; FileNotFoundError for a path that is neither."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            out += sorted(path.glob("*.pdf"))
        elif path.is_file():
            out.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {arg}")
    return out


def program_of(p: Passage, documents: dict[str, Document]) -> str:
    """The program a passage speaks of: named in it, else in its heading or table caption, else the
    document's only program; "all" for a document about every program."""
    for text in (p.text, f"{p.section or ''} {p.context}", p.chapter or ""):
        named = dk.programs_named(text)
        if len(named) == 1:
            return named.pop()
    programs = [x for x in documents[p.document].programs if x != "all"]
    return programs[0] if len(programs) == 1 else "all"


def readings(documents: list[Document]) -> list[Reading]:
    """Sentences (and their clauses), table rows and whole tables that state a number."""
    by_name = {d.name: d for d in documents}
    out: list[Reading] = []
    for doc in documents:
        previous: list[str] = []
        lead_in = ("", None)  # the last sentence ending in ":" and its section: what list items read under
        tables: dict[int, list[Passage]] = {}
        for p in doc.passages:
            if p.is_row:
                tables.setdefault(p.table, []).append(p)
            if QUANTITY.search(p.text):
                program = program_of(p, by_name)
                before = " ".join(previous[-2:])
                item = lead_in[0] if _ITEM.match(p.text) and lead_in[1] == p.section else ""
                about = f"{p.text} {p.context} {item}" + (f" {before}" if _ANAPHOR.search(p.text) else "")
                out.append(Reading(p.text, about, program, p, p.text))
                clauses = [c for c in _CLAUSE.split(p.text) if c]
                if len(clauses) > 1:
                    out += [
                        Reading(c, f"{c} {item}" + (f" {before}" if _ANAPHOR.search(c) else ""), program, p, p.text)
                        for c in clauses
                    ]
            previous.append(p.text)
            if p.text.endswith(":"):
                lead_in = (p.text, p.section)
        for rows in tables.values():
            joined = "; ".join(r.text for r in rows)
            out.append(Reading(joined, f"{rows[0].context}; {joined}", program_of(rows[0], by_name), rows[0], joined))
    return out


def _cue_ok(cue: dk.KindCue | None, text: str) -> bool:
    if cue is None:
        return True
    if cue.need and not re.search(cue.need, text, re.IGNORECASE):
        return False
    if cue.direction and comparator(text) != cue.direction:
        return False
    return not (cue.avoid and re.search(cue.avoid, text, re.IGNORECASE))


def _speaks(kind: str, text: str) -> bool:
    cue = dk.CUES.get(kind)
    return speaks_of(kind, text) or bool(cue and cue.subject and re.search(cue.subject, text, re.IGNORECASE))


def propose(slot: Slot, r: Reading, found: dict[str, tuple]) -> Proposal | None:
    """The slot's values read from `r`, or None when `r` does not state this slot."""
    if slot.program != r.program or not _speaks(slot.kind, r.about):
        return None
    if not _cue_ok(dk.CUES.get(slot.kind), r.about) or not _cue_ok(dk.SLOT_CUES.get(slot.id), r.about):
        return None
    fit = dk.condition_fit(slot.conditions, found)
    if fit is None:
        return None
    bare = any(u in ("count", "months") for u in slot.values.values())
    stated = [q for q in quantities(r.text, bare_words=bare) if not _marker(r.text, q)]
    assigned = dk.assign(slot.values, r.text, stated)
    if assigned is None:
        return None
    chosen, clear = assigned
    direction = comparator(r.about)
    wanted = "max" if slot.kind in MAX_KINDS else "min" if slot.kind in MIN_KINDS else None
    confidence = 0.55 + 0.15 * clear + 0.1 * (wanted is None or direction == wanted)
    confidence += 0.05 * (fit >= len(slot.conditions))
    if slot.sentence:  # reads like our own wording of the rule
        confidence += 0.15 * similarity(canonical_words(slot.sentence), canonical_words(r.cited))
    confidence -= 0.05 * (len(r.text) > len(r.cited))  # a whole table rather than its row
    return Proposal(
        slot,
        {n: (q.value, slot.values[n]) for n, q in chosen.items()},
        found,
        r.passage,
        r.cited,
        round(min(confidence, 1.0), 2),
    )


def draft(paths: list[Path], slots: tuple[Slot, ...] | None = None) -> Draft:
    """Proposals for every slot a guide states, the slots it does not, and its threshold sentences that
    fill no slot (for a person to read)."""
    slots = slots if slots is not None else load_slots()
    documents = [read_document(p) for p in paths]
    valued = [s for s in slots if s.values]
    by_kind: dict[str, list[Slot]] = {}
    for s in valued:
        by_kind.setdefault(s.kind, []).append(s)
    best: dict[str, Proposal] = {}
    for r in readings(documents):
        found = dk.conditions(r.about)
        for kind, kind_slots in by_kind.items():
            if not _speaks(kind, r.about):
                continue
            for s in kind_slots:
                p = propose(s, r, found)
                if p is not None and (s.id not in best or p.confidence > best[s.id].confidence):
                    best[s.id] = p
    proposals = [best[s.id] for s in valued if s.id in best]
    valueless = [s for s in slots if not s.values]
    by_name = {d.name: d for d in documents}
    sentences = [(p, program_of(p, by_name)) for d in documents for p in d.passages if not p.is_row]
    stated = best_statements(valueless, sentences)
    proposals += [
        Proposal(s, {}, dk.conditions(stated[s.id][0].text), stated[s.id][0], stated[s.id][0].text, stated[s.id][1])
        for s in valueless
        if s.id in stated
    ]
    used = {(p.passage.document, p.passage.page, p.passage.text) for p in proposals}
    used |= {(p.passage.document, p.passage.page, row) for p in proposals for row in p.sentence.split("; ")}
    unmatched = [
        p for d in documents for p in d.passages if (p.document, p.page, p.text) not in used and _is_threshold(p.text)
    ]
    return Draft(
        documents,
        proposals,
        [s for s in valued if s.id not in best],
        unmatched,
        [s for s in valueless if s.id not in stated],
    )


def _marker(text: str, q: Quantity) -> bool:
    """A list or paragraph number ("3. Action taken", "Code 2-Employment"), a section citation ("§ 1024.41")."""
    before, after = text[: q.span[0]].rstrip(), text[q.span[1] : q.span[1] + 2]
    if before.endswith("(") and after.startswith(")") and q.unit == "count":
        return True  # "(2)" numbers a paragraph
    return (
        (not before or before.endswith(("Code", "§", "Part", "Section", "paragraph")))
        and not after.startswith("%")
        and (after[:1] in (".", "-", ")") or before.endswith(("Code", "§", "Part", "Section", "paragraph")))
    )


def _is_threshold(text: str) -> bool:
    if not any(q.unit in _THRESHOLD_UNITS or (q.unit == "count" and 300 <= q.value <= 900) for q in quantities(text)):
        return False
    return comparator(text) is not None or is_obligation(text)
