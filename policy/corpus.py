"""The stored text of a policy corpus, read whole (every page of every document version asked for), in
the form rule verification and drafting scan: sentences and table rows, each with its page and section.

A full scan, not top-k retrieval: whether a rule's sentence is in the policy does not depend on where a
search ranks it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PolicyChunk, PolicyDocument, PolicyPage
from core.text import normalise, normalise_with_offsets
from policy.sentences import split_sentences
from policy.types import CitedQuote

PAGE_BREAK = "\n\n"


@dataclass(frozen=True)
class Unit:
    """One sentence or table row of a document, normalised, with where it is. `context` is the text a
    table row is read under (the lines before it: caption and header); empty for a sentence."""

    text: str
    page: int
    section: str | None
    context: str = ""

    @property
    def is_row(self) -> bool:
        return bool(self.context)


@dataclass(frozen=True)
class ChunkRef:
    id: int
    page_num: int
    page_end: int
    section: str | None
    subsection: str | None
    text: str  # normalised


@dataclass(frozen=True)
class PolicyText:
    """One document version's text: `doc` is the file stem rules and inventory entries name."""

    doc: str
    doc_name: str
    document_id: int
    content_hash: str
    version: str | None
    programs: tuple[str, ...]
    pages: tuple[tuple[int, str], ...]
    chunks: tuple[ChunkRef, ...]

    @property
    def text(self) -> str:
        return PAGE_BREAK.join(text for _, text in self.pages)

    @cached_property
    def flat(self) -> str:
        """The whole text, whitespace-normalised (what a quote is looked up in)."""
        return normalise(self.text)

    @cached_property
    def _units(self) -> list[Unit]:
        return units_of(self)

    def units(self) -> list[Unit]:
        """Sentences and table rows in reading order (worked out once per instance)."""
        return self._units

    def cite(self, sentence: str, page: int | None = None) -> CitedQuote | None:
        """The citation of a normalised sentence: the chunk that holds it (the one on `page` first)."""
        holders = [c for c in self.chunks if sentence in c.text]
        if page is not None:
            holders.sort(key=lambda c: not (c.page_num <= page <= c.page_end))
        if not holders:
            return None
        c = holders[0]
        where = page if page is not None and c.page_num <= page <= c.page_end else c.page_num
        return CitedQuote(
            chunk_id=c.id,
            doc_name=self.doc_name,
            page_num=where,
            section=c.section,
            subsection=c.subsection,
            quote=sentence,
        )


_ROW = re.compile(r"\d")


def units_of(doc: PolicyText) -> list[Unit]:
    """Every sentence and table row of `doc`, with its page and section."""
    norm, offsets = normalise_with_offsets(doc.text)
    page_starts, page_nums, at = [], [], 0
    for page_num, text in doc.pages:  # where each page starts in the original text
        page_starts.append(at)
        page_nums.append(page_num)
        at += len(text) + len(PAGE_BREAK)
    sections = sorted((c.page_num, c.section or c.subsection) for c in doc.chunks if c.section or c.subsection)
    section_pages = [p for p, _ in sections]
    out: list[Unit] = []
    cursor, header = 0, ""
    for sentence in split_sentences(doc.text):
        found = norm.find(sentence, cursor)
        found = found if found >= 0 else norm.find(sentence)
        cursor = found + len(sentence) if found >= 0 else cursor
        original = offsets[found] if 0 <= found < len(offsets) else 0
        page = page_nums[max(bisect_right(page_starts, original) - 1, 0)] if page_nums else 1
        at_section = bisect_right(section_pages, page) - 1
        section = sections[at_section][1] if at_section >= 0 else None
        is_row = not re.search(r"[.?!:;]$", sentence) and bool(_ROW.search(sentence))
        out.append(Unit(sentence, page, section, header if is_row else ""))
        if not is_row:
            header = sentence if not re.search(r"[.?!]$", sentence) else ""
        elif not header:
            header = ""
    return out


def load_corpus(*, session: Session, document_ids: tuple[int, ...] | None = None) -> dict[str, PolicyText]:
    """The documents by file stem: the current version of each, or exactly the versions `document_ids`
    names (a published policy pins its versions)."""
    query = select(PolicyDocument)
    query = (
        query.where(PolicyDocument.id.in_(document_ids))
        if document_ids is not None
        else query.where(PolicyDocument.superseded_at.is_(None))
    )
    docs = session.scalars(query.order_by(PolicyDocument.id)).all()
    out: dict[str, PolicyText] = {}
    for d in docs:
        pages = session.execute(
            select(PolicyPage.page_num, PolicyPage.text)
            .where(PolicyPage.document_id == d.id, PolicyPage.kind == "body")
            .order_by(PolicyPage.page_num)
        ).all()
        chunks = session.execute(
            select(
                PolicyChunk.id,
                PolicyChunk.page_num,
                PolicyChunk.page_end,
                PolicyChunk.section,
                PolicyChunk.subsection,
                PolicyChunk.text,
            )
            .where(PolicyChunk.document_id == d.id)
            .order_by(PolicyChunk.chunk_index)
        ).all()
        out[Path(d.file_name).stem] = PolicyText(
            doc=Path(d.file_name).stem,
            doc_name=d.doc_name,
            document_id=d.id,
            content_hash=d.content_hash,
            version=d.version,
            programs=tuple(d.programs or ()),
            pages=tuple((p.page_num, p.text) for p in pages),
            chunks=tuple(
                ChunkRef(c.id, c.page_num, c.page_end, c.section, c.subsection, normalise(c.text)) for c in chunks
            ),
        )
    return out
