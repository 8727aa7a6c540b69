"""The data every LLM call hands back, and the Protocol each provider client implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel


@dataclass(frozen=True)
class LLMUsage:
    """What one call cost. `estimated` is True when the provider reported no token counts."""

    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    estimated: bool = False


@dataclass(frozen=True)
class LLMResult:
    """A validated reply: the parsed model, its usage, and the text it came from (for the audit trail)."""

    value: BaseModel
    usage: LLMUsage
    raw_text: str


class LLMClient(Protocol):
    """One configured model behind one provider; built once by the router's factory.

    `complete_json` raises only `LLMError` subclasses for provider trouble (timeout, HTTP error,
    junk output), so callers can fall back without catching everything.
    """

    provider: str
    model: str

    def complete_json(self, *, system: str, user: str, schema: type[BaseModel], timeout_s: float) -> LLMResult: ...
