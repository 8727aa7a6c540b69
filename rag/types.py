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
    """A numbered heading found in the document text at `offset`."""

    number: str  # "4" or "4.2"
    title: str
    offset: int

    @property
    def label(self) -> str:
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
