"""ragas 0.4.3 behind two small scorers: offline (no model calls but our MiniLM) and judged (an LLM judge),
plus our MiniLM and our LLM seam as the embeddings and judge LLM ragas's metrics accept.

Metrics come from `ragas.metrics.collections` (the 0.4 API, `await metric.ascore(...)`), except the two
non-LLM context metrics, which exist only as legacy `SingleTurnSample` metrics in 0.4.3. Those compare
whole strings by Levenshtein similarity, so they get the retrieved chunks split into sentences: a 512-word
chunk never resembles a one-sentence reference passage, a sentence inside it does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel
from ragas.embeddings.base import BaseRagasEmbedding
from ragas.llms.base import InstructorBaseRagasLLM

from core.llm.types import LLMClient
from rag.embeddings import Embedder

log = logging.getLogger(__name__)

JUDGE_FAILURE_LIMIT = 5  # consecutive failed judge calls before the rest of the run skips the judge


@dataclass(frozen=True)
class ScoreInput:
    """One answered question as ragas sees it. `contexts` are chunk texts, best first."""

    question: str
    answer: str
    sufficient: bool  # False: the answer is the "insufficient context" abstention
    contexts: tuple[str, ...]
    context_sentences: tuple[str, ...]
    reference: str
    reference_contexts: tuple[str, ...]


class MiniLMRagasEmbeddings(BaseRagasEmbedding):
    """Our bundled embedder as a ragas (0.4 "modern") embedding: no client, no network."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__()
        self._embedder = embedder

    def embed_text(self, text: str, **kwargs: Any) -> list[float]:
        return np.asarray(self._embedder.embed_query(text)).tolist()

    async def aembed_text(self, text: str, **kwargs: Any) -> list[float]:
        return self.embed_text(text)

    def embed_texts(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        return self._embedder.embed_documents(list(texts)).tolist()

    async def aembed_texts(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        return self.embed_texts(texts)


T = TypeVar("T", bound=BaseModel)
# ragas's prompts carry the instructions and output schema; complete_json adds the schema again to this.
JUDGE_SYSTEM_PROMPT = "You are an evaluation judge. Follow the instructions in the user message exactly."


class SeamRagasLLM(InstructorBaseRagasLLM):
    """One of our `LLMClient`s (core.llm) as a ragas 0.4 judge, for providers ragas has no client for (Bedrock).

    The seam parses and validates the reply; its `LLMError`s reach the scorer, which records them. No re-ask:
    a reply that does not match the metric's schema fails that metric.
    """

    def __init__(self, client: LLMClient, *, timeout_s: float) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def generate(self, prompt: str, response_model: type[T]) -> T:
        result = self._client.complete_json(
            system=JUDGE_SYSTEM_PROMPT, user=prompt, schema=response_model, timeout_s=self._timeout_s
        )
        log.debug(
            "judge %s:%s: %d in / %d out tokens, $%.5f",
            result.usage.provider,
            result.usage.model,
            result.usage.tokens_in,
            result.usage.tokens_out,
            result.usage.cost_usd,
        )
        return result.value  # type: ignore[return-value]  # validated as response_model by the seam

    async def agenerate(self, prompt: str, response_model: type[T]) -> T:
        # The seam's clients are synchronous; a thread keeps the event loop free while one waits.
        return await asyncio.to_thread(self.generate, prompt, response_model)


Scores = dict[str, float]


async def _collect(jobs: dict[str, Callable[[], Awaitable[float]]], scores: Scores, errors: list[str]) -> int:
    """Run each metric; a failure is logged and recorded, never fatal. Returns how many failed."""
    failed = 0
    for name, job in jobs.items():
        try:
            value = float(await job())
        except Exception as exc:  # ragas and instructor raise many types; one bad metric must not end a run
            log.warning("metric %s failed: %s", name, exc)
            errors.append(f"{name}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
            failed += 1
            continue
        if not np.isnan(value):
            scores[name] = value
    return failed


class OfflineScorer:
    """ragas's non-LLM metrics plus semantic similarity with our MiniLM. Reference-based: answerable questions only."""

    def __init__(self, embeddings: BaseRagasEmbedding) -> None:
        from ragas.metrics._context_precision import NonLLMContextPrecisionWithReference
        from ragas.metrics._context_recall import NonLLMContextRecall
        from ragas.metrics.collections import NonLLMStringSimilarity, RougeScore, SemanticSimilarity

        self._recall = NonLLMContextRecall()
        self._precision = NonLLMContextPrecisionWithReference()
        self._rouge = RougeScore(rouge_type="rougeL", mode="fmeasure")
        self._similarity = NonLLMStringSimilarity()
        self._semantic = SemanticSimilarity(embeddings=embeddings)

    async def score(self, s: ScoreInput) -> tuple[Scores, list[str]]:
        from ragas.dataset_schema import SingleTurnSample

        scores: Scores = {}
        errors: list[str] = []
        ctx = SingleTurnSample(
            retrieved_contexts=list(s.context_sentences) or [""], reference_contexts=list(s.reference_contexts)
        )
        jobs = {
            "non_llm_context_recall": lambda: self._recall.single_turn_ascore(ctx),
            "non_llm_context_precision": lambda: self._precision.single_turn_ascore(ctx),
            "rouge_l": lambda: _value(self._rouge.ascore(reference=s.reference, response=s.answer)),
            "string_similarity": lambda: _value(self._similarity.ascore(reference=s.reference, response=s.answer)),
            "semantic_similarity": lambda: _value(self._semantic.ascore(reference=s.reference, response=s.answer)),
        }
        await _collect(jobs, scores, errors)
        return scores, errors


class JudgedScorer:
    """ragas's LLM metrics with `llm` (from rag.evaluation.judge) as the judge; keys carry the judge's name.

    Faithfulness is skipped for abstentions (no claim to check); answer relevancy scores them (a
    noncommittal answer scores 0), as do the context metrics, which judge retrieval, not the answer.
    """

    def __init__(self, llm: Any, embeddings: BaseRagasEmbedding, judge_name: str) -> None:
        from ragas.metrics.collections import (
            AnswerRelevancy,
            ContextPrecisionWithReference,
            ContextRecall,
            Faithfulness,
        )

        self.judge_name = judge_name
        self._faithfulness = Faithfulness(llm=llm)
        self._precision = ContextPrecisionWithReference(llm=llm)
        self._recall = ContextRecall(llm=llm)
        self._relevancy = AnswerRelevancy(llm=llm, embeddings=embeddings)
        self._consecutive_failures = 0

    @property
    def disabled(self) -> bool:
        return self._consecutive_failures >= JUDGE_FAILURE_LIMIT

    async def score(self, s: ScoreInput) -> tuple[Scores, list[str]]:
        if self.disabled:
            return {}, [f"judge {self.judge_name} skipped after {JUDGE_FAILURE_LIMIT} consecutive failures"]
        contexts = list(s.contexts)
        jobs: dict[str, Callable[[], Awaitable[float]]] = {}
        if s.sufficient:
            jobs["faithfulness"] = lambda: _value(
                self._faithfulness.ascore(user_input=s.question, response=s.answer, retrieved_contexts=contexts)
            )
        jobs["context_precision"] = lambda: _value(
            self._precision.ascore(user_input=s.question, reference=s.reference, retrieved_contexts=contexts)
        )
        jobs["context_recall"] = lambda: _value(
            self._recall.ascore(user_input=s.question, retrieved_contexts=contexts, reference=s.reference)
        )
        jobs["answer_relevancy"] = lambda: _value(self._relevancy.ascore(user_input=s.question, response=s.answer))
        scores: Scores = {}
        errors: list[str] = []
        failed = await _collect(jobs, scores, errors)
        self._consecutive_failures = self._consecutive_failures + failed if failed == len(jobs) else 0
        return {judged_key(k, self.judge_name): v for k, v in scores.items()}, errors


def judged_key(metric: str, judge: str) -> str:
    """The stored key of a judged metric: "faithfulness@openai:gpt-4o-mini". Offline keys have no suffix."""
    return f"{metric}@{judge}"


def split_key(key: str) -> tuple[str, str]:
    """(metric, judge) for a stored key; judge "none" for offline metrics."""
    metric, _, judge = key.partition("@")
    return metric, judge or "none"


async def _value(result: Awaitable[Any]) -> float:
    return float((await result).value)
