"""The result of an evaluation run, shared by the runner (which makes it) and the store (which saves it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rag.answer import Answer
from rag.evaluation.dataset import EvalQuestion


@dataclass
class SampleResult:
    question: EvalQuestion
    answer: Answer
    scores: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EvalOutcome:
    """A finished run: aggregates, per-metric provenance, samples, and the stored id (None if not stored)."""

    metrics: dict[str, float | None]
    metric_info: dict[str, dict[str, Any]]
    samples: list[SampleResult]
    config: dict[str, Any]
    judge: str
    embedding_model: str
    dataset: str
    latency_s: float
    run_id: int | None = None
