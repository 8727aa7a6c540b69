"""Our citation-level metrics against hand-computed values, and how samples aggregate."""

from __future__ import annotations

import pytest

from rag.answer import Answer, AnswerSentence
from rag.evaluation.dataset import EvalQuestion, Reference
from rag.evaluation.judge import Judge
from rag.evaluation.metrics import (
    PagePoint,
    PageSpan,
    abstained_correctly,
    citation_precision,
    citation_recall,
    in_display_order,
    mean,
    recall_at_k,
    reciprocal_rank,
)
from rag.evaluation.ragas_adapter import judged_key, split_key
from rag.evaluation.runner import SampleResult, aggregate, citation_scores, metric_keys
from rag.retrieval.types import Chunk, ScoredChunk

pytestmark = pytest.mark.unit

# reference pages: FHA p3 (twice: two passages on one page count once), FHA p6, VA p2
REFS = [PagePoint("FHA", 3), PagePoint("FHA", 3), PagePoint("FHA", 6), PagePoint("VA", 2)]
RANKED = [
    PageSpan("FHA", 1, 2),
    PageSpan("FHA", 3, 3),
    PageSpan("Conv", 5, 5),
    PageSpan("FHA", 5, 7),
    PageSpan("VA", 2, 2),
]


def test_recall_at_k_counts_distinct_reference_pages_covered_by_the_top_k():
    assert recall_at_k(RANKED, REFS, 1) == 0.0
    assert recall_at_k(RANKED, REFS, 2) == pytest.approx(1 / 3)  # FHA p3 only
    assert recall_at_k(RANKED, REFS, 4) == pytest.approx(2 / 3)  # + FHA p6 inside pages 5-7
    assert recall_at_k(RANKED, REFS, 5) == 1.0
    assert recall_at_k([PageSpan("VA", 3, 3)], REFS, 5) == 0.0  # same page, other document


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(RANKED, REFS) == 0.5
    assert reciprocal_rank(RANKED[2:], REFS) == 0.5  # Conv p5 misses, FHA 5-7 covers p6
    assert reciprocal_rank([PageSpan("Conv", 3, 3)], REFS) == 0.0
    with pytest.raises(ValueError):
        reciprocal_rank(RANKED, [])


def test_citation_recall_and_precision():
    cited = [PageSpan("FHA", 3, 3), PageSpan("Conv", 5, 5), PageSpan("FHA", 6, 6), PageSpan("FHA", 3, 3)]
    assert citation_recall(cited, REFS) == pytest.approx(2 / 3)
    assert citation_precision(cited, REFS) == 0.75  # 3 of 4 citations on a reference page
    assert citation_precision([], REFS) is None
    assert citation_recall([], REFS) == 0.0


def test_abstention_scores_only_unanswerable_questions():
    assert abstained_correctly(False, sufficient=False) == 1.0
    assert abstained_correctly(False, sufficient=True) == 0.0
    assert abstained_correctly(True, sufficient=False) is None


def test_mean_skips_unscored_values():
    assert mean([1.0, None, 0.0, float("nan"), 0.5]) == 0.5
    assert mean([None]) is None


def _chunk(cid: int, doc: str, page: int, end: int | None = None) -> ScoredChunk:
    text = "The maximum LTV for this program is ninety percent of the value."
    return ScoredChunk(Chunk(cid, text, doc, page, end or page, "3.1 Tiers", None, 0, len(text)), 1.0 / cid)


def _answer(contexts: list[ScoredChunk], cited: list[ScoredChunk]) -> Answer:
    sentences = tuple(
        AnswerSentence(c.chunk.text, 0.8, c.chunk.id, 0, len(c.chunk.text), c.chunk.citation) for c in cited
    )
    return Answer("q", " ".join(s.text for s in sentences) or "Insufficient context", sentences, tuple(contexts))


def test_citation_scores_of_an_answered_and_an_unanswerable_question():
    q = EvalQuestion(
        "q1",
        "What is the max LTV?",
        "exact_figure",
        True,
        "90%",
        (Reference("FHA", "fha.pdf", 3, "3.1", "ctx"), Reference("FHA", "fha.pdf", 6, "8.2", "ctx")),
    )
    contexts = [_chunk(1, "Conv", 3), _chunk(2, "FHA", 2, 3), _chunk(3, "FHA", 9)]
    scores = citation_scores(q, _answer(contexts, [contexts[1], contexts[0]]), k=5)
    assert scores == {"recall_at_5": 0.5, "mrr": 0.5, "citation_recall": 0.5, "citation_precision": 0.5}
    unanswerable = EvalQuestion("q9", "Today's rate?", "unanswerable", False, "The library does not say.", ())
    assert citation_scores(unanswerable, _answer(contexts, []), k=5) == {"abstention_accuracy": 1.0}


def test_aggregate_means_each_metric_over_the_samples_that_scored_it():
    a = SampleResult(None, None, {"recall_at_5": 1.0, "mrr": 0.5, judged_key("faithfulness", "openai:m"): 0.25})
    b = SampleResult(None, None, {"recall_at_5": 0.0, "abstention_accuracy": 1.0})
    keys = ["recall_at_5", "mrr", "abstention_accuracy", judged_key("faithfulness", "openai:m"), "rouge_l"]
    metrics, info = aggregate([a, b], keys, embedding_model="mini")
    assert metrics == {
        "recall_at_5": 0.5,
        "mrr": 0.5,
        "abstention_accuracy": 1.0,
        "faithfulness@openai:m": 0.25,
        "rouge_l": None,
    }
    assert info["faithfulness@openai:m"] == {
        "metric": "faithfulness",
        "judge": "openai:m",
        "embedding_model": "mini",
        "n": 1,
    }
    assert info["recall_at_5"]["judge"] == "none" and info["rouge_l"]["n"] == 0


def test_metric_keys_name_the_judge_so_offline_and_judged_never_mix():
    assert split_key("faithfulness@ollama:llama3.1") == ("faithfulness", "ollama:llama3.1")
    assert split_key("rouge_l") == ("rouge_l", "none")
    keys = metric_keys(5, None)
    assert keys[:2] == ["recall_at_5", "mrr"] and not any("@" in k for k in keys)
    assert len(keys) == 10 and len(metric_keys(5, Judge("openai", "m", None, "k", 1.0))) == 14


def test_stored_scores_come_back_in_display_order():
    # jsonb sorts keys by length, then bytes; the page shows them in the order a run reports them
    stored = {
        "mrr": 1,
        "rouge_l": 2,
        "recall_at_5": 3,
        "faithfulness@openai:m": 4,
        "custom": 5,
        "context_recall@openai:m": 6,
        "abstention_accuracy": 7,
    }
    assert list(in_display_order(stored)) == [
        "recall_at_5",
        "mrr",
        "abstention_accuracy",
        "rouge_l",
        "faithfulness@openai:m",
        "context_recall@openai:m",
        "custom",
    ]
