"""Interpretation -> rule links: an official interpretation found near the top brings the rule it interprets.

A regulation's official commentary (the CFR's Supplement I) restates its rules one paragraph at a time:
"Paragraph 3(c)(9). 1. ... Section 1003.3(c)(9) provides that an institution does not report ...". A
question in everyday words often lands on that commentary, which explains the rule at length, while
the rule itself is one short paragraph ("(9) A closed-end mortgage loan ... used primarily for
agricultural purposes") that names its subject only in the paragraph above it. The rule is what a
reader must cite, so when an interpretation ranks near the top its rule paragraph is placed right
after it. Links come from the documents' own numbering, never from the question.

The numbering is the CFR's: a rule chunk's label is its first paragraph ("§ 1003.3(c)(5)"), an
interpretation's is the paragraph it interprets ("Paragraph 3(c)(9)", "2(g) Financial Institution")
under a section heading that names the part ("Section 1003.3—Exempt Institutions ..."). Paragraph
levels follow the CFR: (a), (1), (i), (A), then (1) and (i) again. A document numbered any other
way has no links and its order is untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.models import PolicyChunk, PolicyDocument
from rag.retrieval.store import CHUNK_COLUMNS, chunk_from_row, filter_clause
from rag.retrieval.types import Chunk, Filters, ScoredChunk

_PATH = r"((?:\([A-Za-z0-9]{1,6}\))*)"
_RULE_LABEL = re.compile(rf"^§\s*(\d+)\.(\d+){_PATH}(?=\s|$)")
_COMMENT_LABEL = re.compile(rf"^(?:Paragraph\s+)?(\d+){_PATH}")
_SECTION_PART = re.compile(r"(?:^|\s|—)(?:Section|§)\s*(\d+)\.(\d+)\b")
_TOKEN = re.compile(r"\(([A-Za-z0-9]{1,6})\)")
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(?:ix|iv|v?i{0,3})$")
_ROMAN_DEPTHS = (2, 5)  # (a) / (1) / (i) / (A) / (1) / (i): the third and sixth levels count in roman numerals


@dataclass(frozen=True)
class Reference:
    """A paragraph of a regulation: part 1003, section 3, path ("c", "9") = § 1003.3(c)(9)."""

    part: str
    section: str
    path: tuple[str, ...]

    @property
    def label_prefix(self) -> str:
        """How a rule chunk's label of this section begins ("§ 1003.3")."""
        return f"§ {self.part}.{self.section}"


def rule_reference(label: str | None) -> Reference | None:
    """The paragraph a rule chunk's label names ("§ 1003.3(c)(5)" -> 1003, 3, (c, 5)); None for other labels."""
    match = _RULE_LABEL.match(label or "")
    if match is None:
        return None
    return Reference(match[1], match[2], tuple(_TOKEN.findall(match[3])))


def rule_label(chunk: Chunk) -> Reference | None:
    """The paragraph a rule chunk starts in: its label, or its section heading when it has no label
    (the section's first chunk, "§ 1003.2 Definitions."); None for interpretations and other chunks."""
    return rule_reference(chunk.subsection) if chunk.subsection else rule_reference(chunk.section)


def interpreted_reference(chunk: Chunk) -> Reference | None:
    """The rule paragraph an interpretation chunk interprets: its label's paragraph ("Paragraph 3(c)(9)")
    in the part its section heading names ("Section 1003.3—..."); None for a rule chunk, an interpretation
    of a whole section, or any chunk not numbered this way."""
    if chunk.subsection is None or chunk.section is None or rule_reference(chunk.subsection) is not None:
        return None
    label = _COMMENT_LABEL.match(chunk.subsection)
    heading = _SECTION_PART.search(chunk.section)
    if label is None or heading is None or label[1] != heading[2]:
        return None
    path = tuple(_TOKEN.findall(label[2]))
    return Reference(heading[1], heading[2], path) if path else None


def path_key(path: Sequence[str]) -> tuple[int, ...]:
    """A paragraph path as comparable numbers: (c)(9) -> (3, 9); (a)(1)(ii)(B) -> (1, 1, 2, 2)."""
    return tuple(_token_value(token, depth) for depth, token in enumerate(path))


def _token_value(token: str, depth: int) -> int:
    if token.isdigit():
        return int(token)
    lowered = token.lower()
    if depth in _ROMAN_DEPTHS and _ROMAN.match(lowered):
        return _roman(lowered)
    value = 0
    for letter in lowered:  # a = 1 ... z = 26, aa = 27: the CFR runs past (z) in long definition lists
        value = value * 26 + (ord(letter) - ord("a") + 1)
    return value


def _roman(numeral: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total = 0
    for here, after in zip(numeral, [*numeral[1:], ""]):
        total += -values[here] if after and values[after] > values[here] else values[here]
    return total


def rule_chunk_for(reference: Reference, rules: Sequence[Chunk]) -> Chunk | None:
    """The chunk of `rules` (one section's rule chunks, in document order) where `reference`'s paragraph
    starts, read from the paragraph numbers that open the chunks' lines; when the numbers do not show it,
    the chunks' labels: the first labelled with that paragraph or one inside it, else the last labelled
    before it (a chunk labelled (c)(2) that runs on through (c)(4) holds (c)(3))."""
    wanted = tuple(reference.path)
    for path, chunk in paragraph_starts(rules):
        if path == wanted:
            return chunk
    key = path_key(wanted)
    keyed = [(path_key(ref.path), chunk) for chunk in rules if (ref := rule_label(chunk))]
    inside = [chunk for own, chunk in keyed if own[: len(key)] == key]
    if inside:
        return inside[0]
    before = [chunk for own, chunk in keyed if own < key]
    return before[-1] if before else None


_LINE_MARKERS = re.compile(r"^\s*((?:\([A-Za-z0-9]{1,6}\))+)(?:\s|$)")
HEADING_WORDS = 8  # a numbered line this short opens its paragraph's text rather than wrapping a sentence
_ENDS_STATEMENT = re.compile(r"(?:[.;:]|\b(?:and|or))\s*$")


def paragraph_starts(rules: Sequence[Chunk]) -> list[tuple[tuple[str, ...], Chunk]]:
    """(paragraph path, chunk) for each paragraph that starts in `rules` (a section's rule chunks, in document
    order): a line opening with paragraph numbers ("(b) Application", "(1)(i) By March 1 ...") after a
    line that ends a statement or is a numbered heading ("(b) Application"), not a reference wrapped onto
    a new line ("... as described under paragraph\n(c)(2) of this section"). Levels follow the CFR: (a),
    (1), (i), (A). rag.structure.find_cfr reads the same numbering for ingestion's labels, more strictly (each
    number must continue the one before it); the two should become one reader."""
    out: list[tuple[tuple[str, ...], Chunk]] = []
    path: list[str] = []
    for chunk in rules:
        previous = ""
        for line in chunk.text.splitlines():
            markers = _LINE_MARKERS.match(line)
            if markers and (not previous or _ENDS_STATEMENT.search(previous) or _is_heading(previous)):
                tokens = _TOKEN.findall(markers[1])
                depth = _depth(tokens[0], path)
                for offset, token in enumerate(tokens):
                    path = [*path[: depth + offset], token]
                    out.append((tuple(path), chunk))
            if line.strip():
                previous = line.strip()
    return out


def _is_heading(line: str) -> bool:
    """A short numbered line without closing punctuation: "(b) Application", "(12)"."""
    return bool(_LINE_MARKERS.match(line)) and len(line.split()) <= HEADING_WORDS


def _depth(token: str, path: Sequence[str]) -> int:
    """The CFR level of a paragraph number read after `path`: (a) 0, (1) 1, (i) 2, (A) 3. A roman-looking
    letter is roman under a numbered paragraph when it starts a list ("(i)") or continues one."""
    if token.isdigit():
        return 1
    if token[0].isupper():
        return 3
    if _ROMAN.match(token) and len(path) >= 2:
        if token == "i" and len(path) == 2:
            return 2
        if len(path) >= 3 and _ROMAN.match(path[2]) and _roman(token) == _roman(path[2]) + 1:
            return 2
    return 0


Rules = dict[tuple[str, Reference], Sequence[Chunk]]  # (document name, paragraph) -> its section's rule chunks


@dataclass(frozen=True)
class Linked:
    """A ranked list after linking, and each (interpretation, rule chunk placed after it)."""

    hits: list[ScoredChunk]
    pairs: list[tuple[Chunk, Chunk]]

    def note(self) -> str:
        """'Paragraph 3(c)(9) -> § 1003.3(c)(8)' for the trace."""
        return "; ".join(f"{c.subsection} -> {r.subsection or r.section}" for c, r in self.pairs)


def link_rules(hits: Sequence[ScoredChunk], rules: Rules, depth: int) -> Linked:
    """`hits` with the rule paragraph of each interpretation among the first `depth` placed right after it
    (moved up when it is lower in the list, added when absent), scored as the interpretation. Pure."""
    out: list[ScoredChunk] = []
    pairs: list[tuple[Chunk, Chunk]] = []
    placed: set[int] = set()
    for rank, hit in enumerate(hits):
        if hit.chunk.id in placed:
            continue
        out.append(hit)
        placed.add(hit.chunk.id)
        reference = interpreted_reference(hit.chunk) if rank < depth else None
        rule = rule_chunk_for(reference, rules.get((hit.chunk.doc_name, reference), ())) if reference else None
        if rule is not None and rule.id not in placed:
            out.append(ScoredChunk(rule, hit.score))
            placed.add(rule.id)
            pairs.append((hit.chunk, rule))
    return Linked(out, pairs)


def with_rules(session: Session, hits: Sequence[ScoredChunk], depth: int, filters: Filters | None) -> Linked:
    """`hits` with their interpretations' rule paragraphs linked (link_rules), the rules read in one query
    under the same `filters` (the same document versions as the hits)."""
    wanted = {
        (hit.chunk.doc_name, ref) for hit in hits[:depth] if (ref := interpreted_reference(hit.chunk)) is not None
    }
    if not wanted:
        return Linked(list(hits), [])
    return link_rules(hits, fetch_rules(session, sorted(wanted, key=repr), filters), depth)


def fetch_rules(session: Session, references: Sequence[tuple[str, Reference]], filters: Filters | None) -> Rules:
    """Each (document name, paragraph)'s section rule chunks under `filters`, in document order."""
    matches = or_(
        *(
            and_(
                PolicyChunk.doc_name == doc,
                or_(
                    PolicyChunk.subsection.like(f"{ref.label_prefix}%"),
                    PolicyChunk.section.like(f"{ref.label_prefix}%"),
                ),
            )
            for doc, ref in references
        )
    )
    documents = select(PolicyDocument.id).where(PolicyDocument.doc_name.in_(sorted({doc for doc, _ in references})))
    stmt = (
        select(*CHUNK_COLUMNS, PolicyChunk.embedding)
        .where(PolicyChunk.document_id.in_(documents), matches, filter_clause(filters))  # the document_id index
        .order_by(PolicyChunk.document_id, PolicyChunk.chunk_index)
    )
    chunks = [chunk_from_row(row, row.embedding) for row in session.execute(stmt)]
    return {
        (doc, ref): [c for c in chunks if c.doc_name == doc and _same_section(rule_label(c), ref)]
        for doc, ref in references
    }


def _same_section(own: Reference | None, ref: Reference) -> bool:
    return own is not None and (own.part, own.section) == (ref.part, ref.section)
