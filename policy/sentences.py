"""Sentence splitting and obligation detection for policy text, as ingested (PDF text) or as regulation prose.

The splitter works on text whose lines were broken by a PDF renderer: lines are first grouped into
blocks (a heading line, a bullet or a numbered regulation paragraph starts a new block; a blank line
ends one), each block is joined with spaces, then cut at sentence ends that are not abbreviations
("U.S.", "e.g.", "12 U.S.C. 2601 et seq.", "§ 1002.9(a)(1)"). Table cells (lines without a final
stop) stay together as one unit, so a table restating limits is one inventory entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.text import normalise

# Words and phrases that make a sentence an obligation: something a file, a borrower, a lender or
# an underwriter must do, may not do, or a limit it must stay within.
OBLIGATION = re.compile(
    r"\b(?:must|shall|only|required|requires?|ineligible|not eligible|not permitted|may not|at least|"
    r"no more than|no later than|not to exceed|never|cannot|can not|prohibited|prohibits|not allowed|"
    r"not accepted|do not|does not accept|is not used|are not used|minimum|maximum|at most|may exceed|"
    r"will not|no one may|always|not offered|no exceptions?)\b",
    re.IGNORECASE,
)

_HEADING = re.compile(r"^(?:\d+\.|\d+(?:\.\d+)+)\s+[A-Z][^.]*$")  # "2. Borrower Eligibility", "2.1 Eligible ..."
_ITEM = re.compile(r"^(?:[–•\-\u2022]\s+|\((?:[a-z]{1,2}|[0-9]{1,2}|[ivx]{1,5}|[A-Z])\)\s+)")
_ABBREVIATIONS = frozenset(
    "u.s. u.s.c. e.g. i.e. etc. inc. no. nos. mr. mrs. ms. dr. st. vs. v. cf. sec. secs. pub. l. stat. "
    "fed. reg. co. corp. ltd. seq. approx. p. pp. jan. feb. mar. apr. jun. jul. aug. sept. oct. nov. "
    "dec. art. para. ch. vol. fig. no.".split()
)
_END = re.compile(r"[.?!][\"'”’)\]]*\s+(?=[\"“(\[]?[A-Z0-9§])")
_LIST_NUMBER = re.compile(r"\d{1,3}\.|[ivx]{1,5}\.|[A-Za-z]\.")  # "1. Definition ..." numbers an item


def _blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for raw in text.splitlines():
        line = normalise(raw)
        if not line and block and not re.search(r"[.?!:]$", block[-1]):
            continue  # a page break inside a sentence: the sentence goes on on the next page
        if not line or _HEADING.match(line) or _ITEM.match(line):
            if block:
                yield block
            block = []
            if _HEADING.match(line) or not line:
                continue  # a heading names a section; it obliges nothing
        block.append(line)
    if block:
        yield block


def _is_abbreviation(before: str) -> bool:
    word = before.rsplit(" ", 1)[-1].lower().lstrip('("“')
    if word in _ABBREVIATIONS:
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+", word)) and len(word) <= 4  # initials: "A.", "J.R."


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each whitespace-normalised. Text after the last sentence end of a block
    that does not end like a sentence (table cells, a lead-in without a stop) gives one unit per line, so
    a table reads the same wherever the page breaks fall."""
    out: list[str] = []
    for lines in _blocks(text):
        block = " ".join(lines)
        start = 0
        for m in _END.finditer(block):
            stop = m.end() - len(m.group(0)) + len(m.group(0).rstrip())
            if _is_abbreviation(block[start:stop]) or _LIST_NUMBER.fullmatch(block[start:stop].strip()):
                continue
            out.append(block[start:stop].strip())
            start = m.end()
        tail = block[start:].strip()
        if tail and not re.search(r"[.?!:;]$", tail) and len(lines) > 1:
            out += _tail_lines(lines, len(block) - len(block[start:].lstrip()))
        elif tail:
            out.append(tail)
    return [s for s in out if s]


def _tail_lines(lines: list[str], start: int) -> list[str]:
    """The lines of a block from character `start` of its joined text (the first one cut at `start`)."""
    out, at = [], 0
    for line in lines:
        end = at + len(line)
        if end > start:
            out.append(line[max(0, start - at) :].strip())
        at = end + 1
    return out


def is_obligation(sentence: str) -> bool:
    return bool(OBLIGATION.search(sentence))


def obligation_sentences(text: str) -> list[str]:
    """Every obligation sentence of `text`, in order, without repeats. A list item under an obliging
    lead-in ("These items always require a human underwriter's signature:") is an obligation too."""
    seen: dict[str, None] = {}
    lead_obliges = False
    for sentence in split_sentences(text):
        item = bool(_ITEM.match(sentence))
        if is_obligation(sentence) or (item and lead_obliges):
            seen.setdefault(sentence, None)
        if not item:
            lead_obliges = sentence.endswith(":") and is_obligation(sentence)
    return list(seen)
