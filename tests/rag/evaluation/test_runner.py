"""An offline evaluation over the seeded corpus: stored with its configuration, samples and metric names."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models import EvalRun, EvalSample
from rag.evaluation import store
from rag.evaluation.dataset import load_dataset
from rag.evaluation.runner import run_evaluation

pytestmark = pytest.mark.integration

OFFLINE_KEYS = [
    "recall_at_5",
    "mrr",
    "citation_recall",
    "citation_precision",
    "abstention_accuracy",
    "non_llm_context_recall",
    "non_llm_context_precision",
    "rouge_l",
    "string_similarity",
    "semantic_similarity",
]


def test_an_offline_run_is_stored_with_every_metric_and_sample(small_dataset, retriever, settings, seeded_db):
    stages = []
    outcome = run_evaluation(
        small_dataset,
        retriever=retriever,
        settings=settings,
        judge=None,
        session_factory=seeded_db,
        progress=lambda *a: stages.append(a),
    )
    assert ("answering", 3, 3) in stages and ("scoring", 2, 2) in stages  # the unanswerable one is not scored
    assert list(outcome.metrics) == OFFLINE_KEYS and outcome.judge == "none"
    assert outcome.metric_info["semantic_similarity"] == {
        "metric": "semantic_similarity",
        "judge": "none",
        "embedding_model": "all-MiniLM-L6-v2",
        "n": 2,
    }
    assert outcome.metric_info["abstention_accuracy"]["n"] == 1
    for key in OFFLINE_KEYS:
        assert outcome.metrics[key] is not None and 0.0 <= outcome.metrics[key] <= 1.0, key
    with seeded_db() as session:
        runs = store.list_runs(session=session)
        assert [r.id for r in runs] == [outcome.run_id]
        run = runs[0]
        assert (run.n_questions, run.judge, run.dataset) == (3, "none", str(small_dataset))
        assert run.metrics == pytest.approx(outcome.metrics)
        assert len(run.corpus_version) == 16 and run.config["k"] == 5 and run.config["rrf_k"] == 20
        assert run.config["reranker"] == "none" and len(run.config["dataset_sha256"]) == 16
        samples = store.run_samples(run.id, session=session)
        assert [s.question_id for s in samples] == ["q001", "q003", "q046"]
        unanswerable = samples[2]
        assert not unanswerable.answerable and set(unanswerable.scores) == {"abstention_accuracy"}
        first = samples[0]
        assert set(first.scores) >= {"recall_at_5", "mrr", "rouge_l", "semantic_similarity"}
        assert len(first.contexts) == 5 and first.contexts[0]["rank"] == 1
        assert first.contexts[0]["chunk_id"] > 0 and first.contexts[0]["text"] and first.contexts[0]["label"]
        assert first.reference_contexts[0]["page_num"] == 3 and first.errors == []


def test_recall_at_5_matches_the_reference_pages_of_the_retrieved_chunks(small_dataset, retriever, settings):
    outcome = run_evaluation(small_dataset, retriever=retriever, settings=settings, judge=None)
    assert outcome.run_id is None  # no session factory: nothing stored
    for sample in outcome.samples[:2]:
        pages = {
            (h.chunk.doc_name, p) for h in sample.answer.contexts for p in range(h.chunk.page_num, h.chunk.page_end + 1)
        }
        refs = {(r.doc_name, r.page_num) for r in sample.question.references}
        assert sample.scores["recall_at_5"] == len(refs & pages) / len(refs)


def test_a_bad_dataset_file_is_a_clear_error(tmp_path):
    from core.errors import LoanGraphError

    with pytest.raises(LoanGraphError, match="not found"):
        load_dataset(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"questions": [{"id": "x"}]}')
    with pytest.raises(LoanGraphError, match="expected format"):
        load_dataset(tmp_path / "bad.json")


def test_samples_go_with_their_run(small_dataset, retriever, settings, seeded_db):
    outcome = run_evaluation(
        small_dataset, retriever=retriever, settings=settings, judge=None, session_factory=seeded_db
    )
    with seeded_db() as session:
        assert session.scalar(select(func.count()).select_from(EvalSample)) == 3
        session.delete(session.get(EvalRun, outcome.run_id))
        session.flush()
        assert session.scalar(select(func.count()).select_from(EvalSample)) == 0
