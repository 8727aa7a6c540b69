"""An optional LLM judge (EVAL_JUDGE_PROVIDER) scoring each narrative 1-5 against its figures."""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

from core.errors import LLMError
from core.settings import Settings

logger = logging.getLogger(__name__)

JUDGE_SYSTEM = (
    "You grade a loan officer's note on a mortgage ratio check. Given the figures and the note, "
    "score 1-5: 5 = correct verdict, every figure exact, clear; 1 = wrong or invented figures."
)


class JudgeScore(BaseModel):
    score: int = Field(ge=1, le=5)


def judge_scores(settings: Settings, tests: list[dict], outs: list[dict]) -> float | None:
    """Mean judged score scaled to 0-1; None without a judge (or if every call failed)."""
    if settings.eval_judge_provider == "none":
        return None
    from core.llm.router import build_client

    client = build_client(settings.eval_judge_provider, settings)
    scores = []
    for e, o in zip(tests, outs):
        try:
            result = client.complete_json(
                system=JUDGE_SYSTEM,
                user=f"Figures:\n{e['prompt']}\n\nNote:\n{o['text']}",
                schema=JudgeScore,
                timeout_s=settings.llm_timeout_s,
            )
            scores.append((result.value.score - 1) / 4)
        except LLMError as err:
            logger.warning("judge failed on %s: %s", e["id"], err)
    return round(sum(scores) / len(scores), 4) if scores else None
