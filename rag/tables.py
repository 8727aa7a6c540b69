"""Limit tables as facts (pure functions, no I/O): find the rows of a table in page text, with the
column header and caption they are read under.

A PDF table comes out of text extraction as one line per row ("Purchase 1 97% 620 45%"). Inside a
512-word chunk such a row is a handful of tokens among hundreds, and its numbers mean nothing
without the header ("Transaction Units Maximum LTV ..."). Each row found here becomes a chunk of
its own (rag.chunking): its text the verbatim row, its context the caption and header, so a row is
retrieved, quoted and cited with its page on its own.

A table is a header line (two to ten words, no figures, not a sentence) followed by at least
MIN_ROWS rows; a row is one to MAX_ROW_LINES short lines that are not sentences, the last of them
holding a figure (a number, percentage or dollar amount): a criterion cell that wraps ("One-unit
primary residence, purchase or / rate/term refinance / 97% LTV ...") stays one row. The line above
the header is the caption when it names a table or ends in ':'. A header seen before (a table
continued on the next page) needs one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ROW_CHARS = 90  # a wrapped prose line of the seed corpus runs 95-100 characters
MAX_ROW_LINES = 3
MIN_ROWS = 2
MAX_HEADER_WORDS = 10

_FIGURE = re.compile(r"\d")
_CAPTION = re.compile(r"^(?:table|exhibit|matrix|chart)\b|:$", re.IGNORECASE)
_LINE = re.compile(r"[^\n]+")
_NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+[A-Z][^\d]*$")  # "8.2 Funding Fee Exemptions"
_SENTENCE_END = (".", ";", ":", ",", "?", "!")


@dataclass(frozen=True)
class TableRow:
    """One row: `text[start:end]` is the row line; `context` is its caption (if any) and column header."""

    start: int
    end: int
    header: str
    caption: str | None

    @property
    def context(self) -> str:
        return f"{self.caption}\n{self.header}" if self.caption else self.header


def is_row_line(line: str) -> bool:
    """A short line that neither ends a sentence nor introduces a list (':')."""
    line = line.strip()
    return (
        bool(line)
        and len(line) <= MAX_ROW_CHARS
        and not line.endswith((".", ":"))
        and not _NUMBERED_HEADING.match(line)
    )


def is_header(line: str) -> bool:
    """Column names: two to ten words without figures, not a sentence nor its continuation (lower
    case first), nor a label (':')."""
    line = line.strip()
    words = line.split()
    return (
        2 <= len(words) <= MAX_HEADER_WORDS
        and not _FIGURE.search(line)
        and ":" not in line
        and not line.endswith(_SENTENCE_END)
        and all(w[0].isalnum() for w in words)
        and line[0].isupper()
    )


def _row_end(lines: list[tuple[int, int, str]], i: int, header: str) -> int | None:
    """The index after the row starting at line `i`, or None when no row starts there (the header
    repeated on a new page is no row)."""
    for j in range(i, min(i + MAX_ROW_LINES, len(lines))):
        if not is_row_line(lines[j][2]) or lines[j][2].strip() == header:
            return None
        if _FIGURE.search(lines[j][2]):
            return j + 1
    return None


def table_rows(text: str) -> list[TableRow]:
    """Every row of every table in `text` (spans in `text`), in order."""
    lines = [(m.start(), m.end(), m.group(0)) for m in _LINE.finditer(text)]
    rows: list[TableRow] = []
    headers: set[str] = set()
    i = 1
    while i < len(lines):
        header = lines[i - 1][2].strip()
        spans, j = [], i
        while is_header(header) and (end := _row_end(lines, j, header)) is not None:
            spans.append((lines[j][0], lines[end - 1][1]))
            j = end
        if len(spans) >= MIN_ROWS or (spans and header in headers):
            headers.add(header)
            above = lines[i - 2][2].strip() if i > 1 else ""
            caption = above if _CAPTION.search(above) else None
            rows += [TableRow(*_trimmed(text, s, e), header, caption) for s, e in spans]
            i = j + 1
        else:
            i += 1
    return rows


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
