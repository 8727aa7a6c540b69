"""Offline question answering: the best-matching sentences of the retrieved chunks, each quoted verbatim
with its citation, or a plain "insufficient context" answer when no sentence matches well enough.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.sentences import sentence_spans
from rag.embeddings import Embedder
from rag.pdf import PAGE_SEPARATOR
from rag.retrieval.pipeline import Retriever, get_retriever
from rag.retrieval.rewrite import dedupe
from rag.retrieval.types import Chunk, Citation, Filters, RetrievalResult, RetrievalTrace, ScoredChunk
from rag.scope import named_documents
from rag.tables import table_rows

INSUFFICIENT_CONTEXT = "Insufficient context: no passage in the policy library answers this question closely enough."
MIN_SENTENCE_WORDS = 5  # shorter fragments are headings or table cells, not statements
SHORT_LINE = 60  # characters; a line this short ends a paragraph, bullet or table cell (wrapped lines run ~95)
# Sentences further than this below the best one tend to answer a neighbouring question (another
# program's limit, another deadline) and are left out even when above the threshold.
ANSWER_MARGIN = 0.1

_BULLET = re.compile(r"^[\u2013\u2014\u2022*\-]\s+")
_SECTION_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.?\s")
_MINOR_WORDS = frozenset("a an and as at by for from in of on or the to with".split())


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence quoted verbatim: `text == chunk text[start:end]`; the citation's span is in the document."""

    text: str
    score: float  # cosine similarity to the question
    chunk_id: int
    start: int
    end: int
    citation: Citation
    table: str | None = None  # a table line's caption and column header, wherever it is quoted from


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    sentences: tuple[AnswerSentence, ...]
    contexts: tuple[ScoredChunk, ...]  # the reranked chunks the sentences were drawn from
    trace: RetrievalTrace | None = None

    @property
    def sufficient(self) -> bool:
        return bool(self.sentences)


def answer_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the statements in `text` a quote may be: the one splitter's sentences
    (core.sentences), trimmed of a bullet mark, without headings and fragments under
    MIN_SENTENCE_WORDS words (table cells)."""
    spans = []
    for s, e in sentence_spans(text, short_line=SHORT_LINE):
        bullet = _BULLET.match(text[s:e])
        s += bullet.end() if bullet else 0
        if len(text[s:e].split()) >= MIN_SENTENCE_WORDS and not _is_heading(text[s:e]):
            spans.append((s, e))
    return spans


def _is_heading(sentence: str) -> bool:
    """A numbered or title-case line without closing punctuation ("4.4 Contents of an Adverse Action Notice")."""
    if sentence.rstrip().endswith((".", "!", "?", ":", ";")):
        return False
    if _SECTION_NUMBER.match(sentence):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", sentence) if w.lower() not in _MINOR_WORDS]
    return bool(words) and all(w[0].isupper() for w in words)


def _sentence_citation(chunk: Chunk, start: int, end: int) -> Citation:
    # pages are joined by PAGE_SEPARATOR and page text has no blank lines, so each separator
    # before a position inside a chunk is one page boundary crossed
    page = chunk.page_num + chunk.text.count(PAGE_SEPARATOR, 0, start)
    last = chunk.page_num + chunk.text.count(PAGE_SEPARATOR, 0, end)
    return Citation(
        chunk_id=chunk.id,
        doc_name=chunk.doc_name,
        page_num=page,
        page_end=last,
        section=chunk.section,
        subsection=chunk.subsection,
        char_offset=chunk.char_offset + start,
        char_end=chunk.char_offset + end,
    )


def compose_answer(
    question: str,
    result: RetrievalResult,
    *,
    embedder: Embedder,
    min_score: float,
    max_sentences: int,
    documents: Sequence[str] = (),
) -> Answer:
    """Quote the sentences of `result`'s chunks most similar to `question` (at least `min_score`).

    `documents` are the corpus's document names: when the question names some of them ("under RESPA"),
    only their passages may be quoted (rag.scope), and none of theirs retrieved means no answer."""
    if result.answerable is False:  # the configured verifier judged that no candidate states the answer
        return Answer(question, INSUFFICIENT_CONTEXT, (), result.chunks, result.trace)
    queries = answer_queries(question, result)
    named = named_documents(queries, documents)
    quotable = tuple(h for h in result.chunks if h.chunk.doc_name in named) if named else result.chunks
    candidates = _candidates(quotable)
    chosen = _select(_score(queries, candidates, embedder), min_score, max_sentences)
    if chosen:
        text = " ".join(_readable(s) for s in chosen)
    elif named:
        text = f"Insufficient context: no passage of {' or '.join(sorted(named))} answers this question closely enough."
    else:
        text = INSUFFICIENT_CONTEXT
    return Answer(question, text, tuple(chosen), result.chunks, result.trace)


def _readable(sentence: AnswerSentence) -> str:
    """A quoted sentence on one line; a table row after its caption and column header
    ("[... Maximum LTV] Purchase 1 97%"), whether it is quoted from its row chunk or from the section's."""
    text = " ".join(sentence.text.split())
    return f"[{' / '.join(sentence.table.splitlines())}] {text}" if sentence.table else text


def _candidates(chunks: tuple[ScoredChunk, ...]) -> list[tuple[Chunk, int, int, str | None]]:
    """Sentences of the chunks, each once, with the caption and column header a table row is read
    under (else None); a table row (a chunk with context) is one candidate whole."""
    seen: set[str] = set()
    out = []
    for hit in chunks:
        for start, end, header in _spans(hit.chunk):
            key = " ".join(hit.chunk.text[start:end].split())
            if key not in seen:  # overlapping chunks repeat sentences
                seen.add(key)
                out.append((hit.chunk, start, end, header))
    return out


def _spans(chunk: Chunk) -> list[tuple[int, int, str | None]]:
    """A row chunk whole under its caption and header; else the chunk's sentences, a row of a table in
    it whole under that table's (the same row read the same way whichever chunk carries it: a row whose
    cells wrap is not quoted a line at a time)."""
    if chunk.context:
        return [(0, len(chunk.text), chunk.context)]
    rows = table_rows(chunk.text)
    spans: list[tuple[int, int, str | None]] = []
    for s, e in answer_sentences(chunk.text):
        row = next((r for r in rows if r.start <= s and e <= r.end), None)
        if row is None:
            spans.append((s, e, None))
        elif (row.start, row.end, row.context) not in spans:  # a wrapped row's lines: the row whole, once
            spans.append((row.start, row.end, row.context))
    return spans


def answer_queries(question: str, result: RetrievalResult) -> list[str]:
    """The question and the variants retrieval searched with (a lay-term expansion, glossary forms).

    A sentence is scored against each and keeps its best cosine: a question in everyday words
    ("stops paying") matches the regulation's sentence ("delinquency") through its expansion.
    """
    stages = result.trace.stages if result.trace is not None else ()
    variants = next((stage.variants for stage in stages if stage.stage == "rewrite"), ())
    return dedupe([question, *variants])


def _score(
    queries: Sequence[str], candidates: list[tuple[Chunk, int, int, str | None]], embedder: Embedder
) -> list[AnswerSentence]:
    if not candidates:
        return []
    # a table row is scored as it is read: under its column header (its context's last line; a
    # caption adds words the question may not share)
    vectors = embedder.embed_documents(
        [f"{context.splitlines()[-1]}\n{c.text[s:e]}" if context else c.text[s:e] for c, s, e, context in candidates]
    )
    # both unit length: dot product is cosine; each sentence keeps its best over the queries
    scores = np.max(np.stack([vectors @ embedder.embed_query(q) for q in queries]), axis=0)
    return [
        AnswerSentence(chunk.text[s:e], float(score), chunk.id, s, e, _sentence_citation(chunk, s, e), context)
        for (chunk, s, e, context), score in zip(candidates, np.asarray(scores))
    ]


def _select(scored: list[AnswerSentence], min_score: float, max_sentences: int) -> list[AnswerSentence]:
    ranked = sorted(scored, key=lambda s: -s.score)  # stable: ties keep retrieval order
    if not ranked:
        return []
    floor = max(min_score, ranked[0].score - ANSWER_MARGIN)
    return [s for s in ranked if s.score >= floor][:max_sentences]


def answer(question: str, *, retriever: Retriever | None = None, filters: Filters | None = None, k: int = 5) -> Answer:
    """Retrieve for `question` and answer extractively from the reranked chunks."""
    retriever = retriever or get_retriever()
    result = retriever.retrieve(question, filters, k)
    s = retriever.settings
    return compose_answer(
        question,
        result,
        embedder=retriever.embedder,
        min_score=s.answer_min_score,
        max_sentences=s.answer_max_sentences,
        documents=retriever.document_names(),
    )
