"""Real provider clients (openai SDK, boto3) against a local fake server speaking their APIs."""

import json
import math
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from core.llm import LLMRouter, build_router, narrate
from core.llm.providers import BedrockClient
from tests.core.llm_helpers import llm_settings
from tests.fakes.llm_server import FakeLLMServer, Reply

pytestmark = pytest.mark.unit

TIMEOUT_S = 0.5
SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"


class Narrative(BaseModel):
    summary: str
    risk_grade: str


FALLBACK = Narrative(summary="offline engine summary", risk_grade="B")
GOOD = {"summary": "Strong reserves offset the 44% DTI.", "risk_grade": "A"}


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def _router(provider: str, server: FakeLLMServer, **overrides) -> LLMRouter:
    """A router whose one provider talks to the fake server, built the way the app builds it."""
    if provider == "bedrock":
        client = BedrockClient(model_id=SONNET, region="us-east-1", timeout_s=TIMEOUT_S, endpoint_url=server.url)
        return LLMRouter(llm_settings(llm_provider="bedrock", **overrides), clients={"bedrock": client})
    urls = {"openai_base_url": server.openai_base_url, "ollama_base_url": server.openai_base_url}
    return build_router(llm_settings(llm_provider=provider, **urls, **overrides))


def _narrate(router: LLMRouter, agent: str = "underwriting"):
    return narrate(
        router,
        agent,
        system="You are an underwriter.",
        user="DTI 44%, reserves 12 months.",
        schema=Narrative,
        fallback=FALLBACK,
    )


def test_openai_ok_counts_usage_and_cost(fake_llm):
    fake_llm.script(Reply.of_json(GOOD, usage=(1000, 500), model="gpt-4o-mini-2024-07-18"))
    result = _narrate(_router("openai", fake_llm))
    assert result.status == "ok" and result.error is None and result.value == Narrative(**GOOD)
    usage = result.usage
    assert (usage.provider, usage.model, usage.tokens_in, usage.tokens_out) == (
        "openai",
        "gpt-4o-mini-2024-07-18",
        1000,
        500,
    )
    assert usage.cost_usd == pytest.approx(0.00045) and not usage.estimated and usage.latency_ms > 0
    (request,) = fake_llm.requests
    assert request.api == "openai" and request.model == "gpt-4o-mini"
    assert request.body["response_format"] == {"type": "json_object"}
    assert request.headers["Authorization"] == "Bearer sk-test"
    system = request.body["messages"][0]
    assert system["role"] == "system" and '"risk_grade"' in system["content"]  # schema in the prompt


def test_openai_fenced_reply_is_accepted(fake_llm):
    fake_llm.script(Reply.fenced_json(GOOD))
    assert _narrate(_router("openai", fake_llm)).value == Narrative(**GOOD)


def test_ollama_via_base_url(fake_llm):
    fake_llm.script(Reply.of_json(GOOD))
    result = _narrate(_router("ollama", fake_llm, app_env="production"), agent="intake")
    assert result.status == "ok" and result.usage.provider == "ollama" and result.usage.cost_usd == 0.0
    (request,) = fake_llm.requests
    assert request.model == "llama3.1" and request.headers["Authorization"] == "Bearer ollama"


def test_bedrock_converse_ok(fake_llm, aws_env):
    fake_llm.script(Reply.of_json(GOOD, usage=(2000, 100)))
    result = _narrate(_router("bedrock", fake_llm, app_env="production"), agent="ratio")
    assert result.status == "ok" and result.value == Narrative(**GOOD)
    assert (result.usage.tokens_in, result.usage.tokens_out) == (2000, 100)
    assert result.usage.cost_usd == pytest.approx(2000 * 3e-6 + 100 * 15e-6)
    (request,) = fake_llm.requests
    assert request.api == "bedrock" and request.model == SONNET
    assert '"risk_grade"' in request.body["system"][0]["text"]
    assert request.body["messages"] == [{"role": "user", "content": [{"text": "DTI 44%, reserves 12 months."}]}]
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256")


@pytest.mark.parametrize("provider", ["openai", "bedrock"])
def test_missing_usage_is_estimated(fake_llm, aws_env, provider):
    fake_llm.script(Reply.of_json(GOOD, usage=None))
    usage = _narrate(_router(provider, fake_llm)).usage
    assert usage.estimated and usage.tokens_in > 0
    assert usage.tokens_out == math.ceil(len(json.dumps(GOOD)) / 4)


PROVIDERS = ["openai", "ollama", "bedrock"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_timeout_falls_back_with_error_line(fake_llm, aws_env, provider):
    fake_llm.script(Reply.hang(seconds=5))
    result = _narrate(_router(provider, fake_llm))
    assert result.status == "fallback" and result.value is FALLBACK
    assert result.error == f"underwriting: {provider} timed out after {TIMEOUT_S}s; used the offline engine's verdict"
    assert result.usage.latency_ms < 3000


@pytest.mark.parametrize("provider", PROVIDERS)
def test_junk_falls_back_but_counts_billed_tokens(fake_llm, aws_env, provider):
    fake_llm.script(Reply.of_text("I'm sorry, I can't assess this loan.", usage=(300, 20)))
    result = _narrate(_router(provider, fake_llm))
    assert result.status == "fallback" and result.value is FALLBACK
    assert result.error.startswith(f"underwriting: {provider} returned invalid output: no JSON object")
    assert result.usage.tokens_in == 300


@pytest.mark.parametrize("provider", PROVIDERS)
def test_schema_violation_falls_back(fake_llm, aws_env, provider):
    fake_llm.script(Reply.of_json({"summary": "no grade"}))
    result = _narrate(_router(provider, fake_llm))
    assert result.status == "fallback" and "risk_grade" in result.error


@pytest.mark.parametrize("provider", PROVIDERS)
def test_http_500_falls_back_without_retrying(fake_llm, aws_env, provider):
    fake_llm.script(Reply.http_error(500))
    result = _narrate(_router(provider, fake_llm))
    assert result.status == "fallback" and result.value is FALLBACK
    assert f"underwriting: {provider} failed: HTTP 500" in result.error and "\n" not in result.error
    assert len(fake_llm.requests) == 1  # one try: a failing provider costs one round trip


def test_connection_refused_falls_back(aws_env):
    with FakeLLMServer() as server:
        router = _router("openai", server)
    result = _narrate(router)  # the server is gone: nothing listens on that port now
    assert result.status == "fallback" and "openai unreachable" in result.error


def test_bedrock_auth_error_falls_back(fake_llm, aws_env):
    fake_llm.script(Reply.http_error(403, "not authorized to invoke this model"))
    result = _narrate(_router("bedrock", fake_llm))
    assert result.status == "fallback" and "HTTP 403 AccessDeniedException" in result.error
