"""Routing table, the production PII policy, and the narrate() fallback contract."""

from dataclasses import dataclass, field

import pytest
from pydantic import BaseModel

from core.errors import ConfigurationError, LLMInvalidOutput, LLMTimeout
from core.llm import PII_AGENTS, LLMResult, LLMRouter, LLMUsage, build_router, narrate
from core.settings import AGENTS
from tests.core.llm_helpers import llm_settings

pytestmark = pytest.mark.unit


class Narrative(BaseModel):
    summary: str


FALLBACK = Narrative(summary="offline engine summary")


@dataclass
class ScriptedClient:
    """An in-memory LLMClient: returns `value` or raises `error` (no network)."""

    provider: str = "openai"
    model: str = "gpt-4o-mini"
    value: BaseModel | None = None
    error: Exception | None = None
    calls: list[str] = field(default_factory=list)

    def complete_json(self, *, system, user, schema, timeout_s):
        self.calls.append(user)
        if self.error is not None:
            raise self.error
        usage = LLMUsage(self.provider, self.model, 10, 5, 0.001, 3.0)
        return LLMResult(value=self.value, usage=usage, raw_text="{}")


# --- routing -------------------------------------------------------------------------------


def test_offline_by_default_builds_no_clients():
    router = build_router(llm_settings())
    assert all(router.provider_for(a) == "offline" and router.client_for(a) is None for a in AGENTS)
    assert router.routes()["decision"] == "offline/policy-engine"


def test_per_agent_override():
    router = build_router(llm_settings(agent_providers={"underwriting": "openai", "intake": "ollama"}))
    assert router.provider_for("underwriting") == "openai"
    assert router.client_for("intake").provider == "ollama"
    assert router.client_for("ratio") is None
    assert router.routes()["underwriting"] == "openai/gpt-4o-mini"


def test_clients_are_built_once_per_provider():
    router = build_router(llm_settings(llm_provider="openai"))
    assert router.client_for("intake") is router.client_for("decision")


def test_unknown_agent_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown agent"):
        build_router(llm_settings()).provider_for("astrologer")


def test_missing_openai_key_refuses_to_build():
    settings = llm_settings(openai_api_key="", agent_providers={"underwriting": "openai", "decision": "openai"})
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY") as info:
        build_router(settings)
    assert "underwriting" in str(info.value) and "decision" in str(info.value)


def test_injected_clients_must_cover_every_route():
    with pytest.raises(ConfigurationError, match="bedrock"):
        LLMRouter(llm_settings(llm_provider="bedrock"), clients={})


# --- PII policy ----------------------------------------------------------------------------


@pytest.mark.parametrize("agent", sorted(PII_AGENTS))
def test_production_refuses_pii_agent_on_openai(agent):
    settings = llm_settings(app_env="production", agent_providers={agent: "openai"})
    with pytest.raises(ConfigurationError) as info:
        build_router(settings)
    message = str(info.value)
    assert "APP_ENV=production" in message and agent in message and "openai" in message
    assert "bedrock" in message  # it says what to do instead


@pytest.mark.parametrize("provider", ["offline", "ollama", "bedrock"])
def test_production_allows_private_providers_for_every_agent(provider):
    router = LLMRouter(
        llm_settings(app_env="production", llm_provider=provider),
        clients={} if provider == "offline" else {provider: ScriptedClient(provider=provider)},
    )
    router.check_pii_policy()


def test_production_allows_audit_on_openai():
    settings = llm_settings(app_env="production", llm_provider="bedrock", agent_providers={"audit": "openai"})
    router = LLMRouter(settings, clients={"bedrock": ScriptedClient(provider="bedrock"), "openai": ScriptedClient()})
    assert router.provider_for("audit") == "openai"


def test_production_default_openai_names_every_pii_agent():
    with pytest.raises(ConfigurationError) as info:
        build_router(llm_settings(app_env="production", llm_provider="openai"))
    assert all(agent in str(info.value) for agent in PII_AGENTS)
    assert "audit" not in str(info.value)


def test_pii_refusal_comes_before_the_key_check():
    with pytest.raises(ConfigurationError, match="APP_ENV=production"):
        build_router(llm_settings(app_env="production", llm_provider="openai", openai_api_key=""))


def test_development_allows_openai_everywhere():
    build_router(llm_settings(app_env="development", llm_provider="openai"))


# --- narrate -------------------------------------------------------------------------------


def test_offline_returns_the_fallback_with_zero_usage():
    result = narrate(build_router(llm_settings()), "intake", system="s", user="u", schema=Narrative, fallback=FALLBACK)
    assert result.status == "offline" and result.value is FALLBACK and result.error is None
    assert (result.usage.provider, result.usage.model) == ("offline", "policy-engine")
    assert result.usage.tokens_in == result.usage.tokens_out == 0 and result.usage.cost_usd == 0
    assert result.usage.latency_ms >= 0


def test_valid_llm_value_is_used():
    client = ScriptedClient(value=Narrative(summary="from the model"))
    router = LLMRouter(llm_settings(llm_provider="openai"), clients={"openai": client})
    result = narrate(router, "decision", system="s", user="u", schema=Narrative, fallback=FALLBACK)
    assert result.status == "ok" and result.value.summary == "from the model" and result.usage.tokens_in == 10


def test_llm_error_falls_back_with_one_line_error():
    client = ScriptedClient(error=LLMTimeout("openai timed out after 30.0s"))
    router = LLMRouter(llm_settings(llm_provider="openai"), clients={"openai": client})
    result = narrate(router, "underwriting", system="s", user="u", schema=Narrative, fallback=FALLBACK)
    assert result.status == "fallback" and result.value is FALLBACK
    assert result.error == "underwriting: openai timed out after 30.0s; used the offline engine's verdict"
    assert result.usage.provider == "openai" and result.usage.tokens_in == 0


def test_rejected_reply_keeps_its_billed_usage():
    billed = LLMUsage("openai", "gpt-4o-mini", 100, 50, 0.5, 9.0)
    client = ScriptedClient(error=LLMInvalidOutput("openai returned invalid output: empty reply", usage=billed))
    router = LLMRouter(llm_settings(llm_provider="openai"), clients={"openai": client})
    result = narrate(router, "policy", system="s", user="u", schema=Narrative, fallback=FALLBACK)
    assert result.status == "fallback" and result.usage == billed


def test_programming_errors_are_not_swallowed():
    client = ScriptedClient(error=KeyError("bug"))
    router = LLMRouter(llm_settings(llm_provider="openai"), clients={"openai": client})
    with pytest.raises(KeyError):
        narrate(router, "policy", system="s", user="u", schema=Narrative, fallback=FALLBACK)


def test_fallback_of_the_wrong_type_is_rejected():
    class Other(BaseModel):
        x: int = 1

    with pytest.raises(TypeError, match="fallback"):
        narrate(build_router(llm_settings()), "ratio", system="s", user="u", schema=Narrative, fallback=Other())
