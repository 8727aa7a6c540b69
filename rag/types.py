"""Typed data passed between the ingestion and retrieval stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

PROGRAMS = ("conventional", "fha", "va", "usda", "jumbo")


@dataclass(frozen=True)
class PageText:
    """Cleaned text of one PDF page (running header and footer removed)."""

    page_num: int  # 1-based, as printed in the footer
    text: str


@dataclass(frozen=True)
class Heading:
    """A heading found in the document text (or its outline) at `offset`.

    Numbered headings carry `number` ("4" or "4.2"); other schemes and outline entries carry an
    empty number, the full heading as `title`, and an explicit `level` (0 = section, 1+ = below).
    """

    number: str
    title: str
    offset: int
    level: int | None = None

    @property
    def depth(self) -> int:
        if self.level is not None:
            return self.level
        return 1 if "." in self.number else 0

    @property
    def label(self) -> str:
        if not self.number:
            return self.title
        return f"{self.number}. {self.title}" if "." not in self.number else f"{self.number} {self.title}"


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata fixed before chunking, copied onto every chunk of the document."""

    doc_name: str
    version: str | None = None
    effective_date: date | None = None
    programs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """A PDF turned into one text with page boundaries and headings, ready to chunk."""

    meta: DocumentMeta
    pages: tuple[PageText, ...]
    text: str  # pages joined by PAGE_SEPARATOR
    page_starts: tuple[int, ...]  # offset in `text` where each page begins
    headings: tuple[Heading, ...] = field(default=())
    page_kinds: tuple[str, ...] = ()  # per page: 'body', 'contents' or 'index'; only body pages are chunked
    boilerplate_note: str = ""  # why the running header/footer filter was not applied, if it was not

    def kind_of(self, index: int) -> str:
        return self.page_kinds[index] if self.page_kinds else "body"


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it is embedded: a verbatim slice `text[char_offset:char_end]` of its document."""

    chunk_index: int
    text: str
    page_num: int
    page_end: int
    section: str | None
    subsection: str | None
    char_offset: int
    char_end: int
    context: str | None = None  # a table row's caption and column header (rag.tables); not part of `text`
