"""Run the question-answering path over an eval set, score every sample, and store the run.

How questions score: answerable ones get every metric. Unanswerable ones (no references) are left out
of the retrieval, reference and judge metrics and score only `abstention_accuracy`: 1 when the answer
is the "insufficient context" reply. Aggregates are means over the samples a metric scored.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from core.settings import PROJECT_ROOT, Settings
from rag.answer import Answer, answer, answer_sentences
from rag.evaluation import metrics as m
from rag.evaluation import store
from rag.evaluation.dataset import DEFAULT_DATASET, EvalQuestion, load_dataset
from rag.evaluation.judge import Judge
from rag.evaluation.metrics import CITATION_METRICS, JUDGED_METRICS, OFFLINE_RAGAS_METRICS
from rag.evaluation.outcome import EvalOutcome, SampleResult  # noqa: F401  (SampleResult re-exported)
from rag.evaluation.ragas_adapter import (
    JudgedScorer,
    MiniLMRagasEmbeddings,
    OfflineScorer,
    ScoreInput,
    judged_key,
    split_key,
)
from rag.retrieval.pipeline import Retriever

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
SETTINGS_SNAPSHOT = (
    "query_rewrite",
    "rewrite_max_variants",
    "lay_term_expansion",
    "lay_term_mode",
    "lay_term_acronyms",
    "dense_candidates",
    "bm25_candidates",
    "bm25_backend",
    "hnsw_ef_search",
    "rrf_k",
    "fused_candidates",
    "mmr_lambda",
    "rerank_candidates",
    "reranker_model",
    "chunk_size",
    "chunk_overlap",
    "answer_min_score",
    "answer_max_sentences",
    "embedding_model",
    "embedding_backend",
    "ingest_backend",
)


def metric_keys(k: int, judge: Judge | None) -> list[str]:
    """Every metric key a run reports, in display order."""
    keys = [f"recall_at_{k}", *CITATION_METRICS, *OFFLINE_RAGAS_METRICS]
    return keys + [judged_key(name, judge.name) for name in JUDGED_METRICS] if judge else keys


def evaluate(
    questions: list[EvalQuestion],
    *,
    retriever: Retriever,
    k: int,
    judge: Judge | None = None,
    progress: Progress | None = None,
) -> list[SampleResult]:
    """Answer and score every question (nothing is stored)."""
    report = progress or (lambda stage, done, total: None)
    samples = []
    for i, q in enumerate(questions, start=1):
        samples.append(SampleResult(q, answer(q.question, retriever=retriever, k=k)))
        report("answering", i, len(questions))
    for s in samples:
        s.scores.update(citation_scores(s.question, s.answer, k))
    asyncio.run(_ragas_scores(samples, MiniLMRagasEmbeddings(retriever.embedder), judge, report))
    return samples


def citation_scores(q: EvalQuestion, a: Answer, k: int) -> dict[str, float]:
    """Our metrics for one answered question (see rag.evaluation.metrics)."""
    abstained = m.abstained_correctly(q.answerable, a.sufficient)
    if not q.answerable:
        return {"abstention_accuracy": abstained} if abstained is not None else {}
    refs = [m.PagePoint(r.doc_name, r.page_num) for r in q.references]
    ranked = [m.PageSpan(h.chunk.doc_name, h.chunk.page_num, h.chunk.page_end) for h in a.contexts]
    cited = [m.PageSpan(s.citation.doc_name, s.citation.page_num, s.citation.page_end) for s in a.sentences]
    scores = {
        f"recall_at_{k}": m.recall_at_k(ranked, refs, k),
        "mrr": m.reciprocal_rank(ranked, refs),
        "citation_recall": m.citation_recall(cited, refs),
    }
    precision = m.citation_precision(cited, refs)
    if precision is not None:
        scores["citation_precision"] = precision
    return scores


def score_input(q: EvalQuestion, a: Answer) -> ScoreInput:
    texts = tuple(h.chunk.text for h in a.contexts)
    sentences = tuple(" ".join(t[s:e].split()) for t in texts for s, e in answer_sentences(t))
    return ScoreInput(
        q.question, a.text, a.sufficient, texts, sentences, q.ground_truth, tuple(r.context for r in q.references)
    )


async def _ragas_scores(
    samples: list[SampleResult], embeddings: MiniLMRagasEmbeddings, judge: Judge | None, report: Progress
) -> None:
    offline = OfflineScorer(embeddings)
    judged = JudgedScorer(judge.build_llm(), embeddings, judge.name) if judge else None
    scorable = [s for s in samples if s.question.answerable]
    for i, s in enumerate(scorable, start=1):
        data = score_input(s.question, s.answer)
        for scorer in (offline, judged):
            if scorer is not None:
                scores, errors = await scorer.score(data)
                s.scores.update(scores)
                s.errors.extend(errors)
        report("scoring", i, len(scorable))


def aggregate(
    samples: list[SampleResult], keys: list[str], *, embedding_model: str
) -> tuple[dict[str, float | None], dict[str, dict[str, Any]]]:
    """Mean per metric over the samples that scored it, and what each key is (metric, judge, embeddings, n)."""
    metrics, info = {}, {}
    for key in keys:
        values = [s.scores[key] for s in samples if key in s.scores]
        metric, key_judge = split_key(key)
        metrics[key] = m.mean(values)
        info[key] = {"metric": metric, "judge": key_judge, "embedding_model": embedding_model, "n": len(values)}
    return metrics, info


def run_evaluation(
    dataset: Path | str = DEFAULT_DATASET,
    *,
    retriever: Retriever,
    settings: Settings,
    judge: Judge | None,
    session_factory: sessionmaker[Session] | None = None,
    progress: Progress | None = None,
) -> EvalOutcome:
    """Evaluate the eval set at `dataset`; with a session factory, store the run and its samples."""
    questions = load_dataset(dataset)
    k = settings.eval_k
    started = time.perf_counter()
    samples = evaluate(questions, retriever=retriever, k=k, judge=judge, progress=progress)
    judge_name = judge.name if judge else "none"
    metrics, info = aggregate(samples, metric_keys(k, judge), embedding_model=settings.embedding_model)
    outcome = EvalOutcome(
        metrics,
        info,
        samples,
        config_snapshot(retriever, settings, k, judge, Path(dataset)),
        judge_name,
        settings.embedding_model,
        _dataset_label(Path(dataset)),
        time.perf_counter() - started,
    )
    if session_factory is None:
        return outcome
    with session_factory() as session:
        run = store.save_run(outcome, session=session, git_commit=git_commit())
        session.commit()
        log.info("stored eval run %s (%d questions, judge %s)", run.id, len(samples), judge_name)
        return replace(outcome, run_id=run.id)


def config_snapshot(
    retriever: Retriever, settings: Settings, k: int, judge: Judge | None, dataset: Path
) -> dict[str, Any]:
    """What produced the numbers: retrieval and answer settings, models, judge, and the dataset's hash."""
    snapshot: dict[str, Any] = {name: getattr(settings, name) for name in SETTINGS_SNAPSHOT}
    snapshot.update(
        k=k,
        reranker=retriever.reranker.name,
        rewriter=type(retriever.rewriter).__name__,
        judge=judge.name if judge else "none",
        judge_base_url=judge.base_url if judge else None,
        dataset_sha256=hashlib.sha256(dataset.read_bytes()).hexdigest()[:16],
    )
    return snapshot


def git_commit() -> str | None:
    """HEAD's commit, with "-dirty" when the working tree has changes; None outside a git checkout."""

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return None
        dirty = git("diff", "--quiet", "HEAD").returncode != 0
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-dirty" if dirty else "")


def _dataset_label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def run_configured(
    dataset: Path | str = DEFAULT_DATASET, *, store: bool = True, progress: Progress | None = None
) -> EvalOutcome:
    """The evaluation as configured: the app's retriever and database, the judge EVAL_JUDGE_PROVIDER names.

    Raises LoanGraphError (ConfigurationError for a judge that cannot work) before loading any model.
    """
    from core.db import get_sessionmaker
    from core.settings import get_settings
    from rag.evaluation.judge import judge_from_settings
    from rag.retrieval.pipeline import get_retriever

    settings = get_settings()
    judge = judge_from_settings(settings)
    load_dataset(dataset)  # a bad path or format fails here, before the models load
    return run_evaluation(
        dataset,
        retriever=get_retriever(),
        settings=settings,
        judge=judge,
        session_factory=get_sessionmaker() if store else None,
        progress=progress,
    )
