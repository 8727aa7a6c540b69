"""The one sentence splitter: character spans of the sentences of policy text, as ingested (PDF text) or
as regulation prose. Rule verification and the requirement inventory read the spans as normalised
strings (`policy.sentences`); the offline answerer quotes them verbatim (`rag.answer`).

Lines are first grouped into blocks (a numbered heading line, a bullet or a lettered/numbered item
starts a new block; a blank line ends one unless the sentence before it is unfinished: a page break
inside a sentence), each block is read as one run of text and cut at sentence ends that are not
abbreviations ("U.S.", "e.g.", "12 U.S.C. 2601 et seq.", "§ 1002.9(a)(1)", initials; but "Regulation Z."
ends a sentence) or list numbers ("1.").
Text after the last sentence end of a block that does not end like a sentence (table cells, a lead-in
without a stop) gives one unit per line, so a table reads the same wherever the page breaks fall.
A numbered heading ("2. Borrower Eligibility", "2.1 Eligible Borrowers") names a section and is no unit.
The answerer also ends a block at a short line (`short_line`: a title line, a wrapped table row's end).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from core.text import normalise, normalise_with_offsets

Span = tuple[int, int]  # text[start:end]

HEADING = re.compile(r"^(?:\d+\.|\d+(?:\.\d+)+)\s+[A-Z][^.]*$")  # "2. Borrower Eligibility", "2.1 Eligible ..."
ITEM = re.compile(r"^(?:[–•\-\u2022]\s+|\((?:[a-z]{1,2}|[0-9]{1,2}|[ivx]{1,5}|[A-Z])\)\s+)")
_ABBREVIATIONS = frozenset(
    "u.s. u.s.c. e.g. i.e. etc. inc. no. nos. mr. mrs. ms. dr. st. vs. v. cf. sec. secs. pub. l. stat. "
    "fed. reg. co. corp. ltd. seq. approx. p. pp. jan. feb. mar. apr. jun. jul. aug. sept. oct. nov. "
    "dec. art. para. ch. vol. fig. no.".split()
)
_NAMED_BY_LETTER = frozenset("regulation part subpart appendix schedule form exhibit table title".split())
_END = re.compile(r"[.?!][\"'”’)\]]*\s+(?=[\"“(\[]?[A-Z0-9§])")
_LIST_NUMBER = re.compile(r"\d{1,3}\.|[ivx]{1,5}\.|[A-Za-z]\.")  # "1. Definition ..." numbers an item
_LINE_ENDS_SENTENCE = re.compile(r"[.?!:]$")  # a line ending otherwise runs on over a page break
_NO_STOP = re.compile(r"[.?!:;]$")
_WIDE_SPACE = re.compile(r"\s\s|[^\S \n]")  # whitespace that normalising would shorten or replace


def sentence_spans(text: str, *, short_line: int | None = None) -> list[Span]:
    """The sentences (and table lines) of `text` as character spans, in order, each starting and ending
    on a non-space character; a sentence may run over line and page breaks.

    `short_line`: a line shorter than this many characters ends its block (a title line, the last line of
    a wrapped table row), and a block's tail without a stop stays one unit (a wrapped table row read
    whole) rather than one unit per line."""
    out: list[Span] = []
    for lines in _blocks(text, short_line):
        out += _block_sentences(text, lines, per_line_tail=short_line is None)
    return out


def _lines(text: str) -> Iterator[Span]:
    """Each line's span, trimmed of surrounding whitespace (an empty span for a blank line)."""
    at = 0
    for raw in text.splitlines(keepends=True):
        body = raw.strip()
        start = at + (raw.find(body) if body else 0)
        yield start, start + len(body)
        at += len(raw)


def _blocks(text: str, short_line: int | None) -> Iterator[list[Span]]:
    block: list[Span] = []
    last = ""
    for start, end in _lines(text):
        line = normalise(text[start:end])
        if not line and block and not _LINE_ENDS_SENTENCE.search(last):
            continue  # a page break inside a sentence: the sentence goes on on the next page
        if not line or HEADING.match(line) or ITEM.match(line):
            if block:
                yield block
            block = []
            if HEADING.match(line) or not line:
                continue  # a heading names a section; it obliges nothing
        block.append((start, end))
        last = line
        if short_line is not None and len(line) < short_line:
            yield block
            block = []
    if block:
        yield block


def _is_abbreviation(before: str) -> bool:
    *rest, word = before.rsplit(" ", 2)[-2:]
    word = word.lstrip('("“')
    if word.lower() in _ABBREVIATIONS:
        return True
    if rest and rest[0].lower() in _NAMED_BY_LETTER:
        return False  # "... as defined in Regulation Z." ends a sentence
    return bool(re.fullmatch(r"(?:[a-z]\.)+", word.lower())) and len(word) <= 4  # initials: "A.", "J.R."


def _block_sentences(text: str, lines: list[Span], *, per_line_tail: bool) -> list[Span]:
    """The sentences of one block: cut in its normalised text, mapped back to `text`."""
    base = lines[0][0]
    block, at = _normalised(text[base : lines[-1][1]])

    def span(a: int, b: int) -> Span | None:  # block[a:b] stripped, in `text`'s coordinates
        piece = block[a:b]
        a, b = a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())
        return (base + at(a), base + at(b - 1) + 1) if b > a else None

    out: list[Span | None] = []
    start = 0
    for m in _END.finditer(block):
        stop = m.start() + len(m.group(0).rstrip())
        if _is_abbreviation(block[start:stop]) or _LIST_NUMBER.fullmatch(block[start:stop].strip()):
            continue
        out.append(span(start, stop))
        start = m.end()
    tail = block[start:].strip()
    if tail and not _NO_STOP.search(tail) and len(lines) > 1 and per_line_tail:
        first = base + at(len(block) - len(block[start:].lstrip()))
        out += [_trim(text, max(a, first), b) for a, b in lines if b > first]
    elif tail:
        out.append(span(start, len(block)))
    return [s for s in out if s is not None]


def _normalised(region: str) -> tuple[str, Callable[[int], int]]:
    """`region` whitespace-normalised, and where each of its characters is in `region`. Most blocks only
    break lines with single newlines (no page break, no double space): then every character stays put."""
    if not _WIDE_SPACE.search(region):
        return region.replace("\n", " "), lambda i: i
    norm, offsets = normalise_with_offsets(region)
    return norm, offsets.__getitem__


def _trim(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    body = piece.strip()
    return (start + piece.find(body), start + piece.find(body) + len(body)) if body else None
