"""Saving eval runs and reading them back for the RAGAS page. Functions take `*, session`; none commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AgentTrace, EvalRun, EvalSample
from rag.evaluation.metrics import in_display_order
from rag.evaluation.outcome import EvalOutcome, SampleResult
from rag.ingest.fingerprint import corpus_fingerprint  # the same corpus version pipeline runs record


def save_run(outcome: EvalOutcome, *, session: Session, git_commit: str | None) -> EvalRun:
    """Add the run and one row per sample; flushed so the run has its id."""
    run = EvalRun(
        dataset=outcome.dataset,
        n_questions=len(outcome.samples),
        judge=outcome.judge,
        embedding_model=outcome.embedding_model,
        config=outcome.config,
        corpus_version=corpus_fingerprint(session=session),
        git_commit=git_commit,
        metrics=outcome.metrics,
        metric_info=outcome.metric_info,
        latency_s=round(outcome.latency_s, 3),
    )
    run.samples = [_sample_row(s) for s in outcome.samples]
    session.add(run)
    session.flush()
    return run


def _sample_row(s: SampleResult) -> EvalSample:
    a, q = s.answer, s.question
    contexts = [
        {
            "rank": rank,
            "score": round(h.score, 6),
            "text": h.chunk.text,
            "label": h.chunk.citation.label(),
            **h.chunk.citation.to_dict(),
        }
        for rank, h in enumerate(a.contexts, start=1)
    ]
    citations = [
        {"text": x.text, "score": round(x.score, 6), "label": x.citation.label(), **x.citation.to_dict()}
        for x in a.sentences
    ]
    references = [
        {
            "doc_name": r.doc_name,
            "file_name": r.file_name,
            "page_num": r.page_num,
            "section": r.section,
            "context": r.context,
        }
        for r in q.references
    ]
    return EvalSample(
        question_id=q.id,
        kind=q.kind,
        answerable=q.answerable,
        question=q.question,
        answer=a.text,
        contexts=contexts,
        citations=citations,
        reference=q.ground_truth,
        reference_contexts=references,
        scores=dict(s.scores),
        errors=list(s.errors),
    )


@dataclass(frozen=True)
class RunSummary:
    """One eval run for the trend chart and the run pickers."""

    id: int
    created_at: datetime
    dataset: str
    n_questions: int
    judge: str
    embedding_model: str
    corpus_version: str | None
    git_commit: str | None
    metrics: dict[str, float | None]
    metric_info: dict[str, dict[str, Any]]
    config: dict[str, Any]

    @property
    def label(self) -> str:
        return f"#{self.id} · {self.created_at:%Y-%m-%d %H:%M} · judge {self.judge}"


@dataclass(frozen=True)
class SampleRow:
    question_id: str
    kind: str | None
    answerable: bool
    question: str
    answer: str
    contexts: list[dict[str, Any]]
    citations: list[dict[str, Any]]
    reference: str | None
    reference_contexts: list[dict[str, Any]]
    scores: dict[str, float]
    errors: list[str]


def list_runs(*, session: Session, limit: int = 200) -> list[RunSummary]:
    """Oldest first (the order a trend is drawn in), at most the latest `limit`."""
    rows = session.scalars(select(EvalRun).order_by(EvalRun.created_at.desc(), EvalRun.id.desc()).limit(limit)).all()
    return [
        RunSummary(
            r.id,
            r.created_at,
            r.dataset,
            r.n_questions,
            r.judge,
            r.embedding_model,
            r.corpus_version,
            r.git_commit,
            in_display_order(r.metrics),
            in_display_order(r.metric_info or {}),
            dict(r.config),
        )
        for r in reversed(rows)
    ]


def run_samples(run_id: int, *, session: Session) -> list[SampleRow]:
    rows = session.scalars(select(EvalSample).where(EvalSample.eval_run_id == run_id).order_by(EvalSample.id)).all()
    return [
        SampleRow(
            r.question_id,
            r.kind,
            r.answerable,
            r.question,
            r.answer,
            list(r.contexts),
            list(r.citations),
            r.reference,
            list(r.reference_contexts),
            in_display_order(r.scores),
            list(r.errors),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class AgentFaithfulness:
    """The Audit agent's faithfulness score for one agent's claims in one pipeline run."""

    run_id: str
    agent: str
    faithfulness: float
    created_at: datetime


def agent_faithfulness(*, session: Session, limit: int = 5000) -> list[AgentFaithfulness]:
    """Per-agent faithfulness from live pipeline runs, most recent `limit` scores."""
    query = (
        select(AgentTrace.run_id, AgentTrace.agent, AgentTrace.faithfulness, AgentTrace.created_at)
        .where(AgentTrace.faithfulness.is_not(None))
        .order_by(AgentTrace.created_at.desc())
        .limit(limit)
    )
    return [AgentFaithfulness(*row) for row in session.execute(query).all()]
