"""The fallback contract agents call: an LLM's narrative when it is valid, the offline verdict otherwise."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel

from core.errors import LLMError
from core.llm.router import LLMRouter
from core.llm.types import LLMUsage

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
NarrationStatus = Literal["ok", "fallback", "offline"]
OFFLINE_PROVIDER = "offline"
OFFLINE_MODEL = "policy-engine"


@dataclass(frozen=True)
class Narration(Generic[T]):
    """`value` is the LLM's if valid, else the fallback; `error` is one line for state["errors"]."""

    value: T
    usage: LLMUsage
    error: str | None
    status: NarrationStatus


def narrate(router: LLMRouter, agent: str, *, system: str, user: str, schema: type[T], fallback: T) -> Narration[T]:
    """Ask the agent's provider for a `schema` object; on any provider failure return `fallback`.

    Never raises LLMError (timeout, HTTP error, junk output): those become `status="fallback"`
    with a one-line `error`. Raises for programming errors (unknown agent, wrong fallback type).
    The LLM may rewrite only what `schema` holds, so keep computed facts and the verdict out of
    it, or overwrite them from the offline result: those stay authoritative.
    """
    if not isinstance(fallback, schema):
        raise TypeError(f"fallback for {agent} is {type(fallback).__name__}, not {schema.__name__}")
    started = time.perf_counter()
    client = router.client_for(agent)
    if client is None:
        return Narration(fallback, _no_tokens(OFFLINE_PROVIDER, OFFLINE_MODEL, started), None, "offline")
    try:
        result = client.complete_json(system=system, user=user, schema=schema, timeout_s=router.timeout_s)
    except LLMError as err:
        error = " ".join(f"{agent}: {err}; used the offline engine's verdict".split())
        logger.warning("%s", error)
        usage = err.usage or _no_tokens(client.provider, client.model, started)
        return Narration(fallback, usage, error, "fallback")
    if not isinstance(result.value, schema):
        raise TypeError(f"{client.provider} client returned {type(result.value).__name__}, not {schema.__name__}")
    return Narration(result.value, result.usage, None, "ok")


def _no_tokens(provider: str, model: str, started: float) -> LLMUsage:
    latency_ms = (time.perf_counter() - started) * 1000
    return LLMUsage(provider, model, tokens_in=0, tokens_out=0, cost_usd=0.0, latency_ms=latency_ms)
