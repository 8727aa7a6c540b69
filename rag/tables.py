"""Limit tables as facts (pure functions, no I/O): find the rows of a table in page text, with the
column header and caption they are read under.

A PDF table comes out of text extraction as one line per row ("Purchase 1 97% 620 45%"). Inside a
512-word chunk such a row is a handful of tokens among hundreds, and its numbers mean nothing
without the header ("Transaction Units Maximum LTV ..."). Each row found here becomes a chunk of
its own (rag.chunking): its text the verbatim row, its context the caption and header, so a row is
retrieved, quoted and cited with its page on its own.

A table is a header line (two to ten words, no figures, not a sentence) followed by rows, at least
MIN_ROWS of them holding a figure (a number, percentage or dollar amount). A row is a short line that
is not a sentence, with the lines its cells wrap onto: a line that starts in lower case or is a bare
parenthesis ("(Overlay)"), or follows a line ending on a word that cannot end a cell ("One-unit
primary residence, purchase or" / "rate/term refinance"; "... above it, use the" / "Jumbo program"),
continues the row, and a value set on its own line after such a wrapped label ("Chapter 7 bankruptcy
/ foreclosure waiting" / "period" / "2 years / 3 years") closes it. The line above the header is the
caption when it names a table or ends in ':'. A header seen before (a table continued on the next
page) needs one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ROW_CHARS = 90  # a wrapped prose line of the seed corpus runs 95-100 characters
MAX_ROW_LINES = 4  # a criterion wrapped over lines, and its value on a line of its own
MIN_ROWS = 2
MAX_HEADER_WORDS = 10

_FIGURE = re.compile(r"\d")
_TABLE_NAME = re.compile(r"^(?:table|exhibit|matrix|chart)\b", re.IGNORECASE)
_CAPTION = re.compile(_TABLE_NAME.pattern + r"|:$", re.IGNORECASE)
_LINE = re.compile(r"[^\n]+")
_NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+[A-Z][^\d]*$")  # "8.2 Funding Fee Exemptions"
_SENTENCE_END = (".", ";", ":", ",", "?", "!")
_STARTS_WITH_FIGURE = re.compile(r"^[$(]?\d")
_BARE_PARENTHESIS = re.compile(r"^\([^\d()]*\)$")  # "(Overlay)"
# words a table cell does not end on: the cell goes on in the next line ("... above it, use the" / "Jumbo program")
_JOINING_WORDS = frozenset("a an the of with to or and for at in on under by per from than as into / + x -".split())


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
    """A short line that neither ends a sentence nor introduces a list (':'), nor names a table
    ("Table 3-1 Jumbo eligibility limits" is the caption of the table below it)."""
    line = line.strip()
    return (
        bool(line)
        and len(line) <= MAX_ROW_CHARS
        and not line.endswith((".", ":"))
        and not _NUMBERED_HEADING.match(line)
        and not _TABLE_NAME.match(line)
    )


def is_header(line: str) -> bool:
    """Column names: two to ten words without figures, not a sentence nor its continuation (lower
    case first), nor a label (':'), nor a table's name ("Table of Contents")."""
    line = line.strip()
    words = line.split()
    return (
        2 <= len(words) <= MAX_HEADER_WORDS
        and not _FIGURE.search(line)
        and ":" not in line
        and not line.endswith(_SENTENCE_END)
        and all(w[0].isalnum() for w in words)
        and line[0].isupper()
        and not _TABLE_NAME.match(line)
    )


def continues_cell(previous: str, line: str) -> bool:
    """Whether `line` carries on the cell that `previous` wrapped: it starts in lower case, is a bare
    parenthesis, or `previous` ends on a word that cannot end a cell."""
    line, previous = line.strip(), previous.strip()
    last = previous.rsplit(None, 1)[-1].lower() if previous else ""
    return bool(line) and (line[0].islower() or bool(_BARE_PARENTHESIS.match(line)) or last in _JOINING_WORDS)


def _row_end(lines: list[tuple[int, int, str]], i: int, header: str) -> int | None:
    """The index after the row starting at line `i`, or None when no row starts there (a prose line,
    or the header repeated on a new page). The row goes on while its cell wraps (`continues_cell`),
    and takes a value set on its own line after a wrapped label."""

    def usable(j: int) -> bool:
        return j < len(lines) and is_row_line(lines[j][2]) and lines[j][2].strip() != header

    if not usable(i):
        return None
    end, wrapped = i + 1, False
    for _ in range(MAX_ROW_LINES - 1):
        if not usable(end):
            break
        line = lines[end][2]
        if continues_cell(lines[end - 1][2], line):
            end, wrapped = end + 1, True
        elif wrapped and _STARTS_WITH_FIGURE.match(line.strip()):
            return end + 1  # the value, set on its own line after the wrapped label
        else:
            break
    return end


def table_rows(text: str) -> list[TableRow]:
    """Every row of every table in `text` (spans in `text`), in order.

    A table needs MIN_ROWS rows holding a figure (one under a header seen before); rows without one
    ("Investment property Ineligible", "Monthly mortgage insurance None") count inside it, but not
    at its end, where a short line is more likely the next heading."""
    lines = [(m.start(), m.end(), m.group(0)) for m in _LINE.finditer(text)]
    rows: list[TableRow] = []
    headers: set[str] = set()
    i = 1
    while i < len(lines):
        header = lines[i - 1][2].strip()
        spans: list[tuple[int, int, bool]] = []  # (first line, line after, holds a figure)
        j = i
        while is_header(header) and (end := _row_end(lines, j, header)) is not None:
            spans.append((j, end, any(_FIGURE.search(line) for _, _, line in lines[j:end])))
            j = end
        while spans and not spans[-1][2]:
            spans.pop()
        figures = sum(1 for *_, has_figure in spans if has_figure)
        if figures >= MIN_ROWS or (figures and header in headers):
            headers.add(header)
            above = lines[i - 2][2].strip() if i > 1 else ""
            caption = above if _CAPTION.search(above) else None
            rows += [TableRow(*_trimmed(text, lines[a][0], lines[b - 1][1]), header, caption) for a, b, _ in spans]
            i = spans[-1][1] + 1
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
