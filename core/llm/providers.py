"""Provider clients behind the `LLMClient` Protocol: OpenAI-compatible (OpenAI, Ollama) and Bedrock.

Every SDK failure is translated to an `LLMError` subclass here, so nothing above this module
needs to know an SDK's exception types.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import httpx
import openai
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError
from pydantic import BaseModel

from core.errors import LLMInvalidOutput, LLMProviderError, LLMTimeout
from core.llm.parsing import parse_json_output, schema_instructions
from core.llm.pricing import cost_usd, estimate_tokens
from core.llm.types import LLMResult, LLMUsage

# A verdict with its narrative and citations fits well inside this; the cap bounds cost and
# latency when a model rambles.
MAX_OUTPUT_TOKENS = 2048
_MESSAGE_CHARS = 160


class OpenAICompatibleClient:
    """Chat Completions in JSON mode. `provider` is "openai" or "ollama" (same API shape)."""

    def __init__(
        self,
        *,
        provider: str,
        model: str,
        api_key: str,
        base_url: str | None,
        timeout_s: float,
        trust_env: bool = True,
        proxy: str | None = None,
    ) -> None:
        self.provider = provider
        self.model = model
        self._where = base_url or "api.openai.com"
        # trust_env False (production, core.llm.egress.proxy_policy): no proxy from the environment,
        # only `proxy` when it was allowed
        http_client = None if trust_env else openai.DefaultHttpxClient(trust_env=False, proxy=proxy)
        # Retries are off: a slow provider should cost one timeout, then the offline verdict.
        self._sdk = openai.OpenAI(
            base_url=base_url or None, api_key=api_key, timeout=timeout_s, max_retries=0, http_client=http_client
        )

    def complete_json(self, *, system: str, user: str, schema: type[BaseModel], timeout_s: float) -> LLMResult:
        system_prompt = f"{system}\n\n{schema_instructions(schema)}"
        started = time.perf_counter()
        response = self._create(system_prompt, user, timeout_s)
        latency_ms = (time.perf_counter() - started) * 1000
        text, model, tokens_in, tokens_out = self._read(response)
        usage = _usage(
            self.provider, model, (tokens_in, tokens_out), latency_ms, prompt=system_prompt + user, reply=text
        )
        return _validated(self.provider, text, schema, usage)

    def _create(self, system_prompt: str, user: str, timeout_s: float) -> Any:
        try:
            return self._sdk.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system_prompt}, {"role": "user", "content": user}],
                response_format={"type": "json_object"},
                temperature=0,
                max_tokens=MAX_OUTPUT_TOKENS,
                timeout=timeout_s,
            )
        except (openai.APITimeoutError, httpx.TimeoutException) as err:
            raise LLMTimeout(f"{self.provider} timed out after {timeout_s}s") from err
        except openai.APIStatusError as err:
            hint = " (check the API key)" if err.status_code in (401, 403) else ""
            raise LLMProviderError(
                f"{self.provider} failed: HTTP {err.status_code}{hint}: {_short(err.message)}"
            ) from err
        except openai.APIConnectionError as err:
            raise LLMProviderError(f"{self.provider} unreachable at {self._where}: {_short(str(err))}") from err
        except (openai.OpenAIError, httpx.HTTPError) as err:
            raise LLMProviderError(f"{self.provider} failed: {_short(str(err))}") from err

    def _read(self, response: Any) -> tuple[str, str, int | None, int | None]:
        """(text, model, tokens_in, tokens_out); token counts are None when the reply has none."""
        try:
            text = response.choices[0].message.content or ""
        except (AttributeError, IndexError, TypeError) as err:
            raise LLMProviderError(f"{self.provider} sent a malformed completion ({type(err).__name__})") from err
        usage = getattr(response, "usage", None)
        model = getattr(response, "model", None) or self.model
        if usage is None:
            return text, model, None, None
        return text, model, usage.prompt_tokens, usage.completion_tokens


class BedrockClient:
    """AWS Bedrock Converse API. Credentials come from boto3's usual chain (env, profile, role)."""

    provider = "bedrock"

    def __init__(
        self,
        *,
        model_id: str,
        region: str,
        timeout_s: float,
        endpoint_url: str | None = None,
        proxies: dict[str, str] | None = None,
    ) -> None:
        self.model = model_id
        # A private session: boto3's default session is not safe to share across threads.
        self._session = boto3.session.Session(region_name=region)
        self._endpoint_url = endpoint_url  # given: exactly this URL (no AWS_ENDPOINT_URL* or config-file override)
        self._proxies = proxies  # None: botocore reads the environment's proxies; {}: none
        self._sdks: dict[float, Any] = {}
        self._lock = threading.Lock()
        self._sdk(timeout_s)  # build now so a bad region or endpoint fails at start, not mid-run

    def complete_json(self, *, system: str, user: str, schema: type[BaseModel], timeout_s: float) -> LLMResult:
        system_prompt = f"{system}\n\n{schema_instructions(schema)}"
        started = time.perf_counter()
        response = self._converse(system_prompt, user, timeout_s)
        latency_ms = (time.perf_counter() - started) * 1000
        text, tokens_in, tokens_out = self._read(response)
        usage = _usage(
            self.provider, self.model, (tokens_in, tokens_out), latency_ms, prompt=system_prompt + user, reply=text
        )
        return _validated(self.provider, text, schema, usage)

    def _sdk(self, timeout_s: float) -> Any:
        """One boto3 client per timeout: botocore fixes timeouts per client, not per request."""
        with self._lock:
            if timeout_s not in self._sdks:
                config = Config(
                    connect_timeout=timeout_s,
                    read_timeout=timeout_s,
                    retries={"total_max_attempts": 1, "mode": "standard"},  # one try, as for OpenAI
                    proxies=self._proxies,
                    ignore_configured_endpoint_urls=self._endpoint_url is not None,
                )
                self._sdks[timeout_s] = self._session.client(
                    "bedrock-runtime", endpoint_url=self._endpoint_url, config=config
                )
            return self._sdks[timeout_s]

    def _converse(self, system_prompt: str, user: str, timeout_s: float) -> dict[str, Any]:
        try:
            response: dict[str, Any] = self._sdk(timeout_s).converse(
                modelId=self.model,
                system=[{"text": system_prompt}],
                messages=[{"role": "user", "content": [{"text": user}]}],
                inferenceConfig={"maxTokens": MAX_OUTPUT_TOKENS, "temperature": 0.0},
            )
            return response
        except (ReadTimeoutError, ConnectTimeoutError) as err:
            raise LLMTimeout(f"bedrock timed out after {timeout_s}s") from err
        except ClientError as err:
            error = err.response.get("Error", {})
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
            raise LLMProviderError(
                f"bedrock failed: HTTP {status} {error.get('Code', '')}: {_short(error.get('Message', ''))}"
            ) from err
        except BotoCoreError as err:
            raise LLMProviderError(f"bedrock failed: {_short(str(err))}") from err

    def _read(self, response: dict[str, Any]) -> tuple[str, int | None, int | None]:
        try:
            blocks = response["output"]["message"]["content"]
            text = "".join(block.get("text", "") for block in blocks)
        except (KeyError, TypeError, AttributeError) as err:
            raise LLMProviderError(f"bedrock sent a malformed Converse reply (missing {err})") from err
        usage = response.get("usage") or {}
        return text, usage.get("inputTokens"), usage.get("outputTokens")


def _usage(
    provider: str, model: str, reported: tuple[int | None, int | None], latency_ms: float, *, prompt: str, reply: str
) -> LLMUsage:
    """Reported counts priced from the table; missing counts estimated from text length and flagged."""
    tokens_in, tokens_out = reported
    estimated = tokens_in is None or tokens_out is None
    tokens_in = estimate_tokens(prompt) if tokens_in is None else tokens_in
    tokens_out = estimate_tokens(reply) if tokens_out is None else tokens_out
    return LLMUsage(
        provider=provider,
        model=model,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost_usd=cost_usd(provider, model, tokens_in, tokens_out),
        latency_ms=latency_ms,
        estimated=estimated,
    )


def _validated(provider: str, text: str, schema: type[BaseModel], usage: LLMUsage) -> LLMResult:
    """Parse the reply; a rejected reply still carries its usage, because it was still billed."""
    try:
        value = parse_json_output(text, schema)
    except LLMInvalidOutput as err:
        raise LLMInvalidOutput(f"{provider} returned invalid output: {err}", usage=usage) from err
    return LLMResult(value=value, usage=usage, raw_text=text)


def _short(message: str) -> str:
    flat = " ".join(str(message).split())
    return flat if len(flat) <= _MESSAGE_CHARS else flat[:_MESSAGE_CHARS] + "..."
