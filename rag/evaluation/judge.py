"""The one factory for the evaluation judge: which provider and model (from settings) and its ragas LLM.

ragas 0.4's metrics take an instructor-backed LLM from `ragas.llms.llm_factory`; we hand it an
OpenAI-compatible async client pointed at OpenAI or Ollama, with the same keys and URLs as core.llm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import ConfigurationError
from core.settings import Settings

JUDGE_RETRIES = 1  # instructor re-asks once when a reply does not match the metric's schema


@dataclass(frozen=True)
class Judge:
    provider: str  # openai | ollama
    model: str
    base_url: str | None
    api_key: str
    timeout_s: float

    @property
    def name(self) -> str:
        """How stored scores name this judge, e.g. "openai:gpt-4o-mini"."""
        return f"{self.provider}:{self.model}"

    def build_llm(self) -> Any:
        """A ragas InstructorLLM. Build it inside the event loop that will use it (the client is async)."""
        import openai
        from ragas.llms import llm_factory

        client = openai.AsyncOpenAI(base_url=self.base_url, api_key=self.api_key, timeout=self.timeout_s,
                                    max_retries=0)
        return llm_factory(self.model, provider="openai", client=client, max_retries=JUDGE_RETRIES)


def judge_from_settings(settings: Settings) -> Judge | None:
    """The configured judge, None for EVAL_JUDGE_PROVIDER=none; ConfigurationError when it cannot work."""
    provider = settings.eval_judge_provider
    if provider == "none":
        return None
    if provider == "openai":
        if not settings.openai_api_key:
            raise ConfigurationError("EVAL_JUDGE_PROVIDER=openai needs OPENAI_API_KEY; set it, or use "
                                     "EVAL_JUDGE_PROVIDER=ollama, or none for offline metrics only")
        return Judge("openai", settings.eval_judge_model or settings.openai_model, settings.openai_base_url or None,
                     settings.openai_api_key, settings.llm_timeout_s)
    if provider == "ollama":
        # Ollama ignores the key, but the SDK refuses to start without one.
        return Judge("ollama", settings.eval_judge_model or settings.ollama_model, settings.ollama_base_url,
                     "ollama", settings.llm_timeout_s)
    if provider == "bedrock":
        raise ConfigurationError(
            "Bedrock judging is not available: ragas 0.4.3 judges through an OpenAI-compatible client or "
            "LangChain, and langchain-aws is not installed. Set EVAL_JUDGE_PROVIDER to openai or ollama "
            "(an Ollama on our hardware keeps prompts in-house), or none for offline metrics only."
        )
    raise ConfigurationError(f"unknown EVAL_JUDGE_PROVIDER {provider!r}; expected none, openai, ollama or bedrock")
