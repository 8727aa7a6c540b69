"""Structure-aware word chunking (pure functions, no I/O).

A document is split at its numbered headings into segments; each segment is cut into
overlapping word windows. Every chunk is a verbatim slice of the document text, so quotes
can be verified against it, and it carries the page(s) and section it starts in.
"""

from __future__ import annotations

import bisect
import re

from rag.structure import find_headings  # noqa: F401  (re-exported: the chunker's heading finder)
from rag.tables import table_rows
from rag.types import ChunkDraft, ParsedDocument

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
    """(start, end, section, subsection) for the text before, between and after headings.

    A heading at depth 0 opens a section; a deeper one opens a subsection of the nearest
    shallower heading. Contents and index pages are cut out: they are stored, never chunked.
    """
    bounds: list[tuple[int, str | None, str | None]] = [(0, None, None)]
    stack: dict[int, str] = {}
    for heading in sorted(doc.headings, key=lambda h: h.offset):
        depth = heading.depth
        stack = {d: label for d, label in stack.items() if d < depth}
        stack[depth] = heading.label
        if depth == 0:
            bounds.append((heading.offset, heading.label, None))
        else:
            parent = max((d for d in stack if d < depth), default=None)
            bounds.append((heading.offset, stack[parent] if parent is not None else None, heading.label))
    segments, skipped = [], _skipped(doc)
    for (start, sec, sub), nxt in zip(bounds, bounds[1:] + [(len(doc.text), None, None)]):
        for lo, hi in _without_skipped(skipped, start, nxt[0]):
            if doc.text[lo:hi].strip():
                segments.append((lo, hi, sec, sub))
    return _merge_small(doc.text, segments)


def _skipped(doc: ParsedDocument) -> list[tuple[int, int]]:
    spans = []
    for i, page in enumerate(doc.pages):
        if doc.kind_of(i) != "body":
            spans.append((doc.page_starts[i], doc.page_starts[i] + len(page.text)))
    return spans


def _without_skipped(skipped: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) minus the spans of contents/index pages."""
    pieces, lo = [], start
    for s, e in skipped:
        if e <= lo or s >= end:
            continue
        if s > lo:
            pieces.append((lo, s))
        lo = max(lo, e)
    if lo < end:
        pieces.append((lo, end))
    return pieces


def _merge_small(text: str, segments: list[tuple[int, int, str | None, str | None]]):
    """Fold a segment of fewer than MIN_SEGMENT_WORDS words into the one that follows it, unless
    skipped text (a contents page) lies between them. The merged chunk is labelled by its first
    segment with body text (a short CFR paragraph), by the follower when all before it are bare headings."""
    merged: list[tuple[int, int, str | None, str | None]] = []
    carry: tuple[int, int, str | None, str | None, bool] | None = None
    for start, end, sec, sub in segments:
        body = _has_body(text[start:end])
        if carry is not None:
            if text[carry[1] : start].strip():
                merged.append(carry[:4])
            elif carry[4]:
                start, sec, sub, body = carry[0], carry[2], carry[3], True
            else:
                start = carry[0]
            carry = None
        if len(_WORD.findall(text[start:end])) < MIN_SEGMENT_WORDS and end < len(text):
            carry = (start, end, sec, sub, body)
            continue
        merged.append((start, end, sec, sub))
    if carry is not None:
        merged.append(carry[:4])
    return merged


def _has_body(segment: str) -> bool:
    """More than a heading line: words after the first line, or a first line long enough to be prose."""
    first, _, rest = segment.strip().partition("\n")
    return bool(rest.strip()) or len(first.split()) > 12


def chunk_document(doc: ParsedDocument, *, size: int, overlap: int, tables: bool = False) -> list[ChunkDraft]:
    """Cut a parsed document into chunks, each remembering its pages and section.

    `tables`: also one chunk per table row (rag.tables) after the word windows, its caption and
    column header as context; not on the title page of a longer document (its title, version and
    date lines read like a table).
    """
    drafts: list[ChunkDraft] = []
    rows: list[tuple[int, int, str | None, str | None, str]] = []
    after_title = doc.page_starts[1] if len(doc.page_starts) > 1 else 0
    for seg_start, seg_end, section, subsection in _segments(doc):
        segment = doc.text[seg_start:seg_end]
        for start, end in chunk_words(segment, size, overlap):
            drafts.append(_draft(doc, len(drafts), seg_start + start, seg_start + end, section, subsection))
        if tables:
            rows += [
                (seg_start + r.start, seg_start + r.end, section, subsection, r.context)
                for r in table_rows(segment)
                if seg_start + r.start >= after_title
            ]
    for lo, hi, section, subsection, context in rows:
        drafts.append(_draft(doc, len(drafts), lo, hi, section, subsection, context))
    return drafts


def _draft(
    doc: ParsedDocument,
    index: int,
    lo: int,
    hi: int,
    section: str | None,
    subsection: str | None,
    context: str | None = None,
) -> ChunkDraft:
    return ChunkDraft(
        chunk_index=index,
        text=doc.text[lo:hi],
        page_num=doc.pages[bisect.bisect_right(doc.page_starts, lo) - 1].page_num,
        page_end=doc.pages[bisect.bisect_right(doc.page_starts, hi - 1) - 1].page_num,
        section=section,
        subsection=subsection,
        char_offset=lo,
        char_end=hi,
        context=context,
    )


def dense_windows(text: str, size: int, overlap: int) -> list[str]:
    """The later windows of a chunk for dense search: word windows of `size` words sharing `overlap`,
    without the first (the chunk's own vector reads the chunk from its start). Empty when `size` is 0
    or the chunk fits in one window."""
    if size <= 0:
        return []
    return [text[start:end] for start, end in chunk_words(text, size, overlap)[1:]]


def contextual_text(
    text: str, doc_name: str, section: str | None, subsection: str | None, context: str | None = None
) -> str:
    """What the retrievers index for a chunk: its document and section headings, then its text.

    A chunk rarely repeats the name of its program ("Conventional...") or its section title, yet
    questions use them; prefixing them ("contextual chunk headers") lets dense and BM25 search see
    them. The stored chunk text, which citations quote, stays the verbatim slice. A table row's
    `context` (its caption and column header) goes between the headings and the row.
    """
    header = " / ".join(part for part in (doc_name, section, subsection) if part)
    body = f"{context}\n{text}" if context else text
    return f"{header}\n{body}" if header else body
