"""A policy PDF read for drafting: its sentences and table rows (a row with the caption and header it is
read under), each with its 1-based page, section, chapter and the programs the document covers. Reads the
file directly with `rag.pdf.parse_pdf`; no database.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from core.text import normalise, normalise_with_offsets
from policy.sentences import split_sentences
from rag.pdf import parse_pdf
from rag.types import Heading, ParsedDocument

_CAPTION = re.compile(r"^(?:Table|Exhibit|Figure|Matrix|Schedule)\s+[\w.\-]+\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.?!:;]$")


@dataclass(frozen=True)
class Passage:
    """A sentence or a table row. `context` is the caption and header a row is read under ("" for a
    sentence); `chapter` the top-level heading above it, `section` the nearest heading."""

    document: str
    text: str
    page: int
    section: str | None
    chapter: str | None
    context: str = ""
    table: int = -1  # rows of one table share this number

    @property
    def is_row(self) -> bool:
        return self.table >= 0


@dataclass(frozen=True)
class Document:
    name: str  # file stem
    title: str
    pages: int
    programs: tuple[str, ...]
    passages: tuple[Passage, ...]


def read_document(path: Path) -> Document:
    """The passages of one PDF (IngestError if the file is unusable)."""
    parsed = parse_pdf(path.read_bytes(), fallback_name=path.stem)
    return Document(
        path.stem,
        parsed.meta.doc_name,
        len(parsed.pages),
        tuple(parsed.meta.programs),
        tuple(passages(parsed, path.stem)),
    )


def _segments(parsed: ParsedDocument) -> list[tuple[int, int, Heading | None, Heading | None]]:
    """(start, end, chapter, section) of the text under each heading, the heading line itself left out."""
    text = parsed.text
    headings = sorted(parsed.headings, key=lambda h: h.offset)
    bounds: list[tuple[int, int, Heading | None, Heading | None]] = []
    chapter: Heading | None = None
    start, current = 0, None
    for h in headings:
        bounds.append((start, h.offset, chapter, current))
        chapter = h if h.depth == 0 else chapter
        current = h
        line_end = text.find("\n", h.offset)
        start = len(text) if line_end < 0 else line_end + 1
    bounds.append((start, len(text), chapter, current))
    return [b for b in bounds if b[1] > b[0]]


def _title(h: Heading | None) -> str | None:
    if h is None:
        return None
    return f"{h.number} {h.title}".strip() if h.number else h.title


def _row_width(text: str) -> int:
    """Lines shorter than this (and not ending like prose) are table cells, captions or headers: prose
    wraps at the full measure, a table row does not."""
    lengths = sorted(len(line.strip()) for line in text.splitlines() if line.strip())
    return int(0.75 * lengths[-1]) if lengths else 0  # a page line is never wider than the measure


def _runs(segment: str, width: int) -> list[tuple[bool, int, str]]:
    """(is_table, offset, text) runs of the segment: short unpunctuated lines are a table run."""
    runs: list[tuple[bool, int, str]] = []
    at = 0
    for line in segment.splitlines(keepends=True):
        bare = line.strip()
        short = (
            bool(bare)
            and len(bare) < width
            and not re.search(r"[.?!:;,]$", bare)
            and (bare[0].isupper() or bare[0].isdigit())
        )
        if runs and runs[-1][0] == short and not short:
            kind, offset, text = runs[-1]
            runs[-1] = (kind, offset, text + line)
        else:
            runs.append((short, at, line))
        at += len(line)
    return runs


def passages(parsed: ParsedDocument, document: str) -> list[Passage]:
    """Every sentence and table row of body pages, in reading order."""
    out: list[Passage] = []
    width = _row_width(parsed.text)
    state = {"tables": 0, "header": [], "in_table": False}
    for start, end, chapter, section in _segments(parsed):
        where = (_title(section), _title(chapter))
        state["header"], state["in_table"] = [], False
        for is_table, offset, text in _runs(parsed.text[start:end], width):
            if is_table:
                page = _page(parsed, start + offset)
                if page is not None and text.strip():
                    out += _table_line(document, normalise(text), page, where, state)
                continue
            state["in_table"] = False
            out += _prose(parsed, document, text, start + offset, where, state)
    return out


def _page(parsed: ParsedDocument, at: int) -> int | None:
    index = max(bisect_right(parsed.page_starts, at) - 1, 0)
    return parsed.pages[index].page_num if parsed.kind_of(index) == "body" else None


def _table_line(document: str, line: str, page: int, where: tuple, state: dict) -> list[Passage]:
    if _CAPTION.match(line) or not re.search(r"\d", line) or not state["header"]:
        state["header"] = ([] if _CAPTION.match(line) or not state["in_table"] else state["header"]) + [line]
        state["in_table"] = False
        return [Passage(document, line, page, *where)]
    if not state["in_table"]:
        state["tables"], state["in_table"] = state["tables"] + 1, True
    return [Passage(document, line, page, *where, " | ".join(state["header"][-2:]), state["tables"] - 1)]


def _prose(parsed: ParsedDocument, document: str, text: str, base: int, where: tuple, state: dict) -> list[Passage]:
    out: list[Passage] = []
    norm, offsets = normalise_with_offsets(text)
    cursor = 0
    for sentence in split_sentences(text):
        found = norm.find(sentence, cursor)
        found = found if found >= 0 else norm.find(sentence)
        cursor = found + len(sentence) if found >= 0 else cursor
        page = _page(parsed, base + (offsets[found] if 0 <= found < len(offsets) else 0))
        if page is None:
            continue
        state["header"] = [] if _SENTENCE_END.search(sentence) else [sentence]
        out.append(Passage(document, sentence, page, *where))
    return out
