"""Typed events `run_underwriting` yields, one per agent as it finishes, for the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.verdicts import AgentError, AgentUsage, AgentVerdict, AuditReport, DecisionReport


@dataclass(frozen=True)
class RunStarted:
    run_id: str
    application_id: str
    corpus_version: str
    ruleset_version: str
    routes: dict[str, str]


@dataclass(frozen=True)
class AgentEvent:
    run_id: str
    agent: str
    seq: int
    verdict: AgentVerdict
    usage: AgentUsage | None
    errors: tuple[AgentError, ...]
    elapsed_ms: float  # since the run started


@dataclass(frozen=True)
class RunFinished:
    run_id: str
    report: DecisionReport
    audit: AuditReport | None
    latency_ms: float
    tokens_in: int
    tokens_out: int
    cost_usd: float
    errors: tuple[AgentError, ...] = field(default=())


@dataclass(frozen=True)
class RunInterrupted:
    run_id: str
    message: str


RunEvent = RunStarted | AgentEvent | RunFinished | RunInterrupted


def summary_json(events: list) -> dict[str, Any]:
    """A run as one JSON object (what `python -m agents.run --json` prints and the decision download holds)."""
    finished = next((e for e in events if isinstance(e, RunFinished)), None)
    agents = [
        {
            "agent": e.agent,
            "verdict": e.verdict.verdict,
            "summary": e.verdict.summary,
            "provider": e.usage.provider if e.usage else "offline",
            "latency_ms": round(e.elapsed_ms, 1),
        }
        for e in events
        if isinstance(e, AgentEvent)
    ]
    errors = [er.model_dump() for e in events if isinstance(e, AgentEvent) for er in e.errors]
    errors += [
        {"agent": "pipeline", "message": e.message, "kind": "interrupted"}
        for e in events
        if isinstance(e, RunInterrupted)
    ]
    report = finished.report if finished else None
    return {
        "run_id": events[0].run_id if events else None,
        "decision": report.recommendation if report else None,
        "reasons": [r.model_dump() for r in report.principal_reasons] if report else [],
        "conditions": list(report.conditions) if report else [],
        "citations": [c.model_dump() for c in report.citations] if report else [],
        "agents": agents,
        "errors": errors,
    }
