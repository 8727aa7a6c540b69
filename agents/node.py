"""Wrap an agent's offline engine as a LangGraph node: narrate, record usage, never crash.

The engine computes the verdict (facts, findings, citations). An LLM, when routed, may rewrite
only the summary, reasoning and quoted claims; everything else stays the engine's. Any exception
becomes an ERROR verdict (the Decision agent refers such a file to a human), except a database
outage, which interrupts the run so it can be resumed from its checkpoint.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langgraph.runtime import Runtime
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from agents.context import AgentContext
from agents.narrative_guard import contradicts, invented_figures
from agents.state import LoanState
from agents.verdicts import AgentError, AgentUsage, AgentVerdict
from core.errors import DatabaseUnavailable
from core.llm import narrate
from policy.evidence import Evidence

log = logging.getLogger(__name__)


class Narrative(BaseModel):
    """What an LLM may write for an agent."""

    summary: str = Field(description="one sentence for the loan officer")
    reasoning: str = Field(description="a short paragraph explaining the verdict from the facts and passages")
    quotes: list[str] = Field(
        default_factory=list, description="verbatim sentences from the policy passages you rely on"
    )


@dataclass
class AgentOutput:
    verdict: AgentVerdict
    evidence: list[Evidence] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # other state keys the agent owns


Engine = Callable[[LoanState, AgentContext], AgentOutput]

SYSTEM = (
    "You are the {agent} agent of a mortgage underwriting desk. The verdict, numbers and policy "
    "passages below were computed by the policy engine and are authoritative: do not change them. "
    "Explain them for a loan officer. Quote only sentences that appear verbatim in the passages."
)


Fallback = Callable[[LoanState, str], dict[str, Any]]


def agent_node(
    name: str,
    engine: Engine,
    on_error: Fallback | None = None,
) -> Callable[[LoanState, Runtime[AgentContext]], dict[str, Any]]:
    """A node that runs `engine`, lets the routed LLM narrate, and returns only the keys it owns.
    `on_error(state, message)` adds state keys when the engine crashes (the Decision agent's REFER report)."""

    def node(state: LoanState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
        started = time.perf_counter()
        ctx = runtime.context
        try:
            output = engine(state, ctx)
        except (OperationalError, DatabaseUnavailable):
            raise  # infrastructure, not a verdict: the run is interrupted and resumable
        except Exception as exc:  # any bug or bad data in one agent must not sink the pipeline
            log.exception("%s agent failed", name)
            failed = _failed(name, exc, started)
            return {**(on_error(state, failed["errors"][0].message) if on_error else {}), **failed}
        verdict, usage, errors = _narrated(name, output, ctx)
        usage = usage.model_copy(update={"latency_ms": (time.perf_counter() - started) * 1000})
        retrievals = [
            {"agent": name, "rule_id": e.rule.id, "query": e.rule.query, "trace": e.trace} for e in output.evidence
        ]
        return {**output.extra, name: verdict, "usage": [usage], "errors": errors, "retrievals": retrievals}

    node.__name__ = f"{name}_node"
    return node


def _narrated(name: str, output: AgentOutput, ctx: AgentContext) -> tuple[AgentVerdict, AgentUsage, list[AgentError]]:
    verdict = output.verdict
    fallback = Narrative(
        summary=verdict.summary, reasoning=verdict.reasoning, quotes=[c.quote for c in verdict.citations]
    )
    passages = [{"citation": c.label(), "text": c.quote} for c in verdict.citations]
    user = json.dumps(
        {
            "verdict": verdict.verdict,
            "facts": verdict.facts,
            "passages": passages,
            "findings": [f.message for f in verdict.findings],
        },
        default=str,
    )
    told = narrate(ctx.router, name, system=SYSTEM.format(agent=name), user=user, schema=Narrative, fallback=fallback)
    unfaithful = None
    if told.status == "ok":
        said = (told.value.summary, told.value.reasoning)
        unfaithful = contradicts(verdict.verdict, *said) or invented_figures(user, *said)
    if unfaithful:  # the engine's verdict and figures are authoritative: the narrative is discarded and recorded
        told = dataclasses.replace(told, status="fallback", value=fallback, error=unfaithful)
    if told.status == "ok":
        verdict = verdict.model_copy(
            update={
                "summary": told.value.summary,
                "reasoning": told.value.reasoning,
                "claims": tuple(told.value.quotes),
            }
        )
    u = told.usage
    usage = AgentUsage(
        agent=name,
        provider=u.provider,
        model=u.model,
        status=told.status,
        tokens_in=u.tokens_in,
        tokens_out=u.tokens_out,
        cost_usd=u.cost_usd,
        latency_ms=u.latency_ms,
    )
    kind = "error" if unfaithful else "fallback"
    errors = [AgentError(agent=name, message=told.error, kind=kind)] if told.error else []
    return verdict, usage, errors


def _failed(name: str, exc: Exception, started: float) -> dict[str, Any]:
    message = f"{name}: {type(exc).__name__}: {exc}".splitlines()[0][:300]
    verdict = AgentVerdict(
        agent=name, verdict="ERROR", summary=f"The {name} agent could not reach a verdict.", reasoning=message
    )
    usage = AgentUsage(
        agent=name,
        provider="offline",
        model="policy-engine",
        status="error",
        latency_ms=(time.perf_counter() - started) * 1000,
    )
    return {name: verdict, "usage": [usage], "errors": [AgentError(agent=name, message=message)]}
