"""The configured teacher (DISTILL_TEACHER), built through the LLM seam's factory; None = offline narrator."""

from __future__ import annotations

from core.llm.router import build_client
from core.llm.types import LLMClient
from core.settings import Settings


def teacher_client(settings: Settings) -> LLMClient | None:
    if settings.distill_teacher == "offline":
        return None
    return build_client(settings.distill_teacher, settings)
