"""An LLM verifier over the top candidates, when a provider is configured: it reorders them (an LLM
reranker) and says whether they answer the question at all (an answerability judge).

Offline there is none (no local model can judge: issue 12), and retrieval is unchanged. A configured
model gets one call per query with the question and the top candidates, numbered; it answers with
JSON (`Judgement`). On any provider trouble (timeout, HTTP error, output that is not the schema)
the offline order stands and the answerability is unknown, so the offline answerer decides.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from core.errors import LLMError
from core.llm.types import LLMClient
from core.settings import Settings
from rag.chunking import contextual_text
from rag.retrieval.types import ScoredChunk

log = logging.getLogger(__name__)

PASSAGE_CHARS = 1500  # per candidate: bounds the prompt (10 candidates ~ 4k tokens)
SYSTEM = (
    "You check search results for a mortgage-policy question. You are given the question and numbered "
    "passages from policy documents and regulations. Rank the passages that state the answer (or the "
    "rule it follows from) first, best first, and leave out passages that do not help. Say whether the "
    "passages together answer the question: answerable is false when none of them states it, even if "
    "they are on the same topic. Judge only from the passages, never from your own knowledge."
)


class Judgement(BaseModel):
    """The verifier's reply: passage numbers best first (helpful ones only) and whether they answer."""

    ranking: list[int] = Field(description="numbers of the passages that help answer, best first")
    answerable: bool = Field(description="true when the passages state the answer")


@dataclass(frozen=True)
class Verdict:
    """The verified list. `answerable` is None when the verifier fell back (then `note` says why)."""

    hits: list[ScoredChunk]
    answerable: bool | None
    note: str


def _passage(n: int, hit: ScoredChunk) -> str:
    c = hit.chunk
    text = contextual_text(c.text, c.doc_name, c.section, c.subsection, c.context)
    return f"[{n}] ({c.doc_name}, p. {c.page_num})\n{' '.join(text.split())[:PASSAGE_CHARS]}"


def prompt(question: str, candidates: Sequence[ScoredChunk]) -> str:
    passages = "\n\n".join(_passage(n, hit) for n, hit in enumerate(candidates, start=1))
    return f"Question: {question}\n\nPassages:\n{passages}"


def reordered(candidates: Sequence[ScoredChunk], ranking: Sequence[int], k: int) -> list[ScoredChunk]:
    """The ranked passages first (unknown and repeated numbers ignored), then the rest in offline order;
    the verifier's rank is the score (1.0 for its first, falling)."""
    order = list(dict.fromkeys(n - 1 for n in ranking if 1 <= n <= len(candidates)))
    order += [i for i in range(len(candidates)) if i not in order]
    return [ScoredChunk(candidates[i].chunk, 1.0 / (rank + 1)) for rank, i in enumerate(order[:k])]


class LLMVerifier:
    """One configured model judging the top `candidates` of each query within `timeout_s`."""

    def __init__(self, client: LLMClient, *, timeout_s: float, candidates: int):
        self._client = client
        self._timeout_s = timeout_s
        self.candidates = candidates
        self.name = f"{client.provider}/{client.model}"

    def verify(self, question: str, hits: Sequence[ScoredChunk], k: int) -> Verdict:
        """The best `k` of `hits` by the model, and its answerability; the offline order on failure."""
        candidates = list(hits[: self.candidates])
        if not candidates:
            return Verdict([], None, f"{self.name}: no candidates")
        try:
            result = self._client.complete_json(
                system=SYSTEM, user=prompt(question, candidates), schema=Judgement, timeout_s=self._timeout_s
            )
        except LLMError as exc:
            log.warning("retrieval verifier fell back to the offline order: %s", exc)
            return Verdict(list(candidates[:k]), None, f"{self.name}: fallback ({exc})")
        judgement = result.value
        assert isinstance(judgement, Judgement)
        verdict = "answerable" if judgement.answerable else "not answerable"
        return Verdict(reordered(candidates, judgement.ranking, k), judgement.answerable, f"{self.name}: {verdict}")


def build_verifier(settings: Settings) -> LLMVerifier | None:
    """The configured verifier (RETRIEVAL_VERIFIER = openai, ollama or bedrock), or None offline."""
    if settings.retrieval_verifier == "offline":
        return None
    from core.llm.router import build_client

    return LLMVerifier(
        build_client(settings.retrieval_verifier, settings),
        timeout_s=settings.retrieval_verifier_timeout_s,
        candidates=settings.retrieval_verifier_candidates,
    )
