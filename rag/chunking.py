"""Structure-aware word chunking (pure functions, no I/O).

A document is split at its numbered headings into segments; each segment is cut into
overlapping word windows. Every chunk is a verbatim slice of the document text, so quotes
can be verified against it, and it carries the page(s) and section it starts in.
"""

from __future__ import annotations

import bisect
import re

from rag.types import ChunkDraft, Heading, ParsedDocument

_WORD = re.compile(r"\S+")
MIN_SEGMENT_WORDS = 25  # a bare section heading is merged into the subsection that follows it


def chunk_words(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Character spans of word windows of `size` words, consecutive windows sharing `overlap` words.

    The last window ends at the last word; no window is empty; a text shorter than `size`
    words is one window.
    """
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError("need size > 0 and 0 <= overlap < size")
    spans = [m.span() for m in _WORD.finditer(text)]
    windows: list[tuple[int, int]] = []
    step = size - overlap
    for start in range(0, len(spans), step):
        window = spans[start : start + size]
        windows.append((window[0][0], window[-1][1]))
        if start + size >= len(spans):
            break
    return windows


def _segments(doc: ParsedDocument) -> list[tuple[int, int, str | None, str | None]]:
    """(start, end, section, subsection) for the text before, between and after headings."""
    bounds: list[tuple[int, str | None, str | None]] = [(0, None, None)]
    section: str | None = None
    for heading in doc.headings:
        if "." in heading.number:
            bounds.append((heading.offset, section, heading.label))
        else:
            section = heading.label
            bounds.append((heading.offset, section, None))
    segments = []
    for (start, sec, sub), nxt in zip(bounds, bounds[1:] + [(len(doc.text), None, None)]):
        if doc.text[start : nxt[0]].strip():
            segments.append((start, nxt[0], sec, sub))
    return _merge_small(doc.text, segments)


def _merge_small(text: str, segments: list[tuple[int, int, str | None, str | None]]):
    merged: list[tuple[int, int, str | None, str | None]] = []
    carry: int | None = None
    for start, end, sec, sub in segments:
        start = carry if carry is not None else start
        if len(_WORD.findall(text[start:end])) < MIN_SEGMENT_WORDS and end < len(text):
            carry = start
            continue
        carry = None
        merged.append((start, end, sec, sub))
    return merged


def chunk_document(doc: ParsedDocument, *, size: int, overlap: int) -> list[ChunkDraft]:
    """Cut a parsed document into chunks, each remembering its pages and section."""
    drafts: list[ChunkDraft] = []
    for seg_start, seg_end, section, subsection in _segments(doc):
        for start, end in chunk_words(doc.text[seg_start:seg_end], size, overlap):
            lo, hi = seg_start + start, seg_start + end
            drafts.append(
                ChunkDraft(
                    chunk_index=len(drafts),
                    text=doc.text[lo:hi],
                    page_num=doc.pages[bisect.bisect_right(doc.page_starts, lo) - 1].page_num,
                    page_end=doc.pages[bisect.bisect_right(doc.page_starts, hi - 1) - 1].page_num,
                    section=section,
                    subsection=subsection,
                    char_offset=lo,
                    char_end=hi,
                )
            )
    return drafts


def contextual_text(text: str, doc_name: str, section: str | None, subsection: str | None) -> str:
    """What the retrievers index for a chunk: its document and section headings, then its text.

    A chunk rarely repeats the name of its program ("Conventional...") or its section title, yet
    questions use them; prefixing them ("contextual chunk headers") lets dense and BM25 search see
    them. The stored chunk text, which citations quote, stays the verbatim slice.
    """
    header = " / ".join(part for part in (doc_name, section, subsection) if part)
    return f"{header}\n{text}" if header else text


def find_headings(text: str) -> list[Heading]:
    """Numbered headings ("4. Eligibility", "4.2 Debt-to-Income Limits") on their own lines.

    A candidate counts only if it continues the numbering (4 after 3, 4.2 after 4.1), which
    keeps wrapped body lines that happen to start with a number from passing as headings.
    """
    headings: list[Heading] = []
    section, sub = 0, 0
    for match in _HEADING.finditer(text):
        major, minor, title = int(match["major"]), match["minor"], match["title"].strip()
        if len(title.split()) > 12 or title.endswith((".", ",", ";", ":")):
            continue
        if minor is None and major == section + 1:
            section, sub = major, 0
            headings.append(Heading(str(major), title, match.start()))
        elif minor is not None and major == section and int(minor) == sub + 1:
            sub = int(minor)
            headings.append(Heading(f"{major}.{sub}", title, match.start()))
    return headings


_HEADING = re.compile(
    r"^(?P<major>\d{1,2})(?:\.(?P<minor>\d{1,2})|\.)[ \t]+(?P<title>[A-Z][^\n]{1,100})$",
    re.MULTILINE,
)
