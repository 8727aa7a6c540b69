"""A chunk's passages for BM25 (pure): word windows, or its numbered paragraphs joined up to a size.

BM25 over a long chunk dilutes a fact stated in one of its paragraphs (length normalisation counts the
whole chunk); rag.retrieval.bm25 scores a chunk by its best passage instead, when BM25_PASSAGE_WORDS > 0.
"""

from __future__ import annotations

import re

from rag.chunking import chunk_words


def passages(text: str, words: int, overlap: int, by_paragraph: bool = False) -> list[str]:
    """`text` (a heading line, then the body, as contextual_text writes it) as passages of `words` body
    words sharing `overlap` (`by_paragraph`: its numbered paragraphs joined up to `words` words), each under the
    heading line; the text whole when it makes one passage."""
    head, sep, body = text.partition("\n")
    if not sep:
        head, body = "", text
    spans = (
        (_paragraph_spans(body, words) if by_paragraph else chunk_words(body, words, overlap)) if body.strip() else []
    )
    if len(spans) <= 1:
        return [text]
    return [f"{head}\n{body[lo:hi]}" for lo, hi in spans]


_PARAGRAPH = re.compile(
    r"^[ \t]*(?:\((?:[a-z]{1,4}|\d{1,2}|[A-Z])\)|\d{1,2}\.|[ivx]{1,5}\.|[A-Z]\.)[ \t]", re.MULTILINE
)


def _paragraph_spans(body: str, words: int) -> list[tuple[int, int]]:
    """Spans of consecutive numbered paragraphs ("(a)", "(1)", "1.", "i.") of `body` joined up to `words`
    words; a paragraph longer than that is a span of its own (its text before the first number, too)."""
    starts = sorted({0, *(m.start() for m in _PARAGRAPH.finditer(body))})
    pieces = [(lo, hi) for lo, hi in zip(starts, [*starts[1:], len(body)]) if body[lo:hi].strip()]
    spans: list[tuple[int, int]] = []
    count = 0
    for lo, hi in pieces:
        n = len(body[lo:hi].split())
        if spans and count + n <= words:
            spans[-1], count = (spans[-1][0], hi), count + n
        else:
            spans.append((lo, hi))
            count = n
    return spans
