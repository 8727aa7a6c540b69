"""Typed events `run_underwriting` yields, one per agent as it finishes, for the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

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
