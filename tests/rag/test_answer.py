"""Extractive answers: sentence spans, verbatim quotes with citations, the insufficient-context answer."""

from __future__ import annotations

import pytest

from rag.answer import INSUFFICIENT_CONTEXT, answer, answer_queries, answer_sentences, compose_answer
from rag.retrieval.types import Filters, RetrievalResult, RetrievalTrace, StageTrace
from tests.rag.support import KeywordEmbedder, guide_chunk, retrieval_result

TEXT = (
    "5.2 Debt-to-Income Limits\n"
    "The maximum back-end DTI ratio for a conventional loan is 45%. A back-end DTI ratio above 45%\n"
    "and up to 50% is permitted only with compensating factors and human underwriter review. A\n"
    "back-end DTI ratio above 50% is ineligible.\n\n"
    "Overlay: the U.S. agencies accept ratios up to 50% without any further factor and without us.\n"
    "The following are ineligible under this guide:\n"
    "\u2013 Borrowers on a government exclusion list or whose identity cannot be verified.\n"
    "Maximum Loan Amount By Property Type\n"
)


def spans_text(text: str) -> list[str]:
    return [text[s:e] for s, e in answer_sentences(text)]


@pytest.mark.unit
def test_sentences_are_verbatim_spans_without_headings_or_bullets():
    assert spans_text(TEXT) == [
        "The maximum back-end DTI ratio for a conventional loan is 45%.",
        "A back-end DTI ratio above 45%\nand up to 50% is permitted only with compensating factors and human "
        "underwriter review.",
        "A\nback-end DTI ratio above 50% is ineligible.",
        "Overlay: the U.S. agencies accept ratios up to 50% without any further factor and without us.",
        "The following are ineligible under this guide:",
        "Borrowers on a government exclusion list or whose identity cannot be verified.",
    ]


def make_result(text: str = TEXT) -> RetrievalResult:
    return retrieval_result(guide_chunk(text))


@pytest.mark.unit
def test_best_sentences_are_quoted_with_page_and_span():
    ans = compose_answer("DTI", make_result(), embedder=KeywordEmbedder(), min_score=0.5, max_sentences=2)
    assert [s.text for s in ans.sentences] == [
        "The maximum back-end DTI ratio for a conventional loan is 45%.",
        "A back-end DTI ratio above 45%\nand up to 50% is permitted only with compensating factors and human "
        "underwriter review.",
    ]
    assert ans.text == (
        "The maximum back-end DTI ratio for a conventional loan is 45%. A back-end DTI ratio above 45% "
        "and up to 50% is permitted only with compensating factors and human underwriter review."
    )
    first = ans.sentences[0]
    assert (first.score, first.chunk_id, first.start) == (pytest.approx(1.0), 7, TEXT.index("The maximum"))
    assert first.citation.char_offset == 1000 + first.start and first.citation.char_end == 1000 + first.end
    assert (first.citation.page_num, first.citation.subsection) == (4, "5.2 Debt-to-Income Limits")
    assert ans.sufficient and ans.contexts == make_result().chunks


@pytest.mark.unit
def test_a_sentence_after_the_page_break_cites_the_next_page():
    ans = compose_answer("borrowers", make_result(), embedder=KeywordEmbedder(), min_score=0.9, max_sentences=3)
    assert [(s.text[:9], s.citation.page_num) for s in ans.sentences] == [("Borrowers", 5)]


@pytest.mark.unit
def test_sentences_far_below_the_best_are_left_out():
    # "ineligible" alone scores 1.0; "DTI ... ineligible" scores 0.71: more than ANSWER_MARGIN below
    ans = compose_answer("ineligible", make_result(), embedder=KeywordEmbedder(), min_score=0.5, max_sentences=5)
    assert [s.text for s in ans.sentences] == ["The following are ineligible under this guide:"]


@pytest.mark.unit
def test_nothing_above_the_threshold_is_insufficient_context():
    ans = compose_answer("zoning", make_result(), embedder=KeywordEmbedder(), min_score=0.5, max_sentences=3)
    assert ans.text == INSUFFICIENT_CONTEXT and ans.sentences == () and not ans.sufficient


@pytest.mark.unit
def test_a_sentence_keeps_its_best_score_over_the_retrieval_variants():
    # the question alone matches nothing; the variant retrieval searched with (a lay-term expansion) does
    result = make_result()
    stages = (StageTrace("rewrite", 0.1, variants=("zoning homeowners", "zoning homeowners borrowers")),)
    trace = RetrievalTrace("q", Filters(), 1, stages, result.chunks, 1.0)
    result = RetrievalResult("zoning homeowners", result.chunks, trace)
    assert answer_queries("zoning homeowners", result) == ["zoning homeowners", "zoning homeowners borrowers"]
    ans = compose_answer("zoning homeowners", result, embedder=KeywordEmbedder(), min_score=0.9, max_sentences=3)
    assert [s.text[:9] for s in ans.sentences] == ["Borrowers"]
    assert answer_queries("q", make_result()) == ["q"]


@pytest.mark.integration
def test_answers_from_the_seed_corpus_with_verbatim_cited_sentences(retriever):
    ans = answer("What is the maximum DTI for a conventional loan?", retriever=retriever)
    best = ans.sentences[0]
    assert best.text == "The maximum back-end DTI ratio for a conventional loan is 45%."
    assert (best.citation.doc_name, best.citation.page_num) == ("Conventional Conforming Loan Program Guide", 4)
    chunks = {c.chunk.id: c.chunk for c in ans.contexts}
    for sentence in ans.sentences:
        chunk = chunks[sentence.chunk_id]
        assert chunk.text[sentence.start : sentence.end] == sentence.text
        assert sentence.citation.char_offset == chunk.char_offset + sentence.start
        assert sentence.score >= retriever.settings.answer_min_score
    assert ans.text.startswith("The maximum back-end DTI ratio for a conventional loan is 45%.")


@pytest.mark.integration
@pytest.mark.parametrize("question", ["What is the capital of France?", "How do I bake sourdough bread?"])
def test_off_topic_questions_get_insufficient_context(retriever, question):
    ans = answer(question, retriever=retriever)
    assert ans.text == INSUFFICIENT_CONTEXT and len(ans.contexts) == 5
