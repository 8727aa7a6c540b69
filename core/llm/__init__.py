"""The one LLM seam: routes each agent to offline, OpenAI, Ollama or Bedrock and falls back safely.

Agents call `narrate(router, agent, ...)` with the router from `build_router(get_settings())`.
"""

from core.llm.narrate import Narration, NarrationStatus, narrate
from core.llm.parsing import parse_json_output, schema_instructions
from core.llm.pricing import cost_usd, estimate_tokens
from core.llm.router import EXTERNAL_PROVIDERS, PII_AGENTS, LLMRouter, build_clients, build_router, pii_violations
from core.llm.types import LLMClient, LLMResult, LLMUsage

__all__ = [
    "EXTERNAL_PROVIDERS",
    "PII_AGENTS",
    "LLMClient",
    "LLMResult",
    "LLMRouter",
    "LLMUsage",
    "Narration",
    "NarrationStatus",
    "build_clients",
    "build_router",
    "cost_usd",
    "estimate_tokens",
    "narrate",
    "parse_json_output",
    "pii_violations",
    "schema_instructions",
]
