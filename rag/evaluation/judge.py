"""The one factory for the evaluation judge: which provider and model (from settings) and its ragas LLM.

ragas 0.4's metrics take an `InstructorBaseRagasLLM`: for OpenAI and Ollama, ragas's own instructor-backed
LLM over an OpenAI-compatible async client; for Bedrock, core.llm's BedrockClient behind `SeamRagasLLM`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import ConfigurationError
from core.settings import Settings

JUDGE_RETRIES = 1  # instructor re-asks once when a reply does not match the metric's schema


@dataclass(frozen=True)
class Judge:
    provider: str  # openai | ollama | bedrock
    model: str
    base_url: str | None  # Bedrock: the endpoint URL, None for AWS's own (tests point it at a fake server)
    api_key: str = field(repr=False)  # never in a repr or log; unused by Bedrock (boto3's usual credentials)
    timeout_s: float = 30.0
    region: str | None = None  # Bedrock only

    @property
    def name(self) -> str:
        """How stored scores name this judge, e.g. "openai:gpt-4o-mini"."""
        return f"{self.provider}:{self.model}"

    def build_llm(self) -> Any:
        """A ragas judge LLM. Build it inside the event loop that will use it (the OpenAI client is async)."""
        if self.provider == "bedrock":
            from core.llm.providers import BedrockClient
            from rag.evaluation.ragas_adapter import SeamRagasLLM

            client = BedrockClient(
                model_id=self.model, region=self.region or "", timeout_s=self.timeout_s, endpoint_url=self.base_url
            )
            return SeamRagasLLM(client, timeout_s=self.timeout_s)
        import openai
        from ragas.llms import llm_factory

        client = openai.AsyncOpenAI(base_url=self.base_url, api_key=self.api_key, timeout=self.timeout_s, max_retries=0)
        return llm_factory(self.model, provider="openai", client=client, max_retries=JUDGE_RETRIES)


def judge_from_settings(settings: Settings) -> Judge | None:
    """The configured judge, None for EVAL_JUDGE_PROVIDER=none; ConfigurationError when it cannot work."""
    provider = settings.eval_judge_provider
    if provider == "none":
        return None
    if provider == "openai":
        if not settings.openai_api_key.get_secret_value():
            raise ConfigurationError(
                "EVAL_JUDGE_PROVIDER=openai needs OPENAI_API_KEY; set it, or use "
                "EVAL_JUDGE_PROVIDER=ollama or bedrock, or none for offline metrics only"
            )
        return Judge(
            "openai",
            settings.eval_judge_model or settings.openai_model,
            settings.openai_base_url or None,
            settings.openai_api_key.get_secret_value(),
            settings.llm_timeout_s,
        )
    if provider == "ollama":
        # Ollama ignores the key, but the SDK refuses to start without one.
        return Judge(
            "ollama",
            settings.eval_judge_model or settings.ollama_model,
            settings.ollama_base_url,
            "ollama",
            settings.llm_timeout_s,
        )
    if provider == "bedrock":
        if not settings.bedrock_region:
            raise ConfigurationError(
                "EVAL_JUDGE_PROVIDER=bedrock needs BEDROCK_REGION; set it, or use "
                "EVAL_JUDGE_PROVIDER=openai or ollama, or none for offline metrics only"
            )
        return Judge(
            "bedrock",
            settings.eval_judge_model or settings.bedrock_model_id,
            None,
            "",
            settings.llm_timeout_s,
            region=settings.bedrock_region,
        )
    raise ConfigurationError(f"unknown EVAL_JUDGE_PROVIDER {provider!r}; expected none, openai, ollama or bedrock")
