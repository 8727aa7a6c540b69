"""Typed verdicts the agents write into `LoanState`, and the events streamed to the UI.

Pydantic models so LangGraph's checkpointer can store and restore them, and so LLM output
can be validated against the same shapes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FindingStatus = Literal["PASS", "INFO", "CONDITION", "WARN", "REVIEW", "FAIL", "UNVERIFIED"]
Recommendation = Literal["APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CitedQuote(_Frozen):
    """A verbatim quote from a retrieved chunk, with where it lives."""

    chunk_id: int
    doc_name: str
    page_num: int
    section: str | None = None
    subsection: str | None = None
    quote: str

    def label(self) -> str:
        where = self.subsection or self.section
        return f"{self.doc_name}, p. {self.page_num}" + (f", {where}" if where else "")


class Finding(_Frozen):
    """One rule checked against the application: outcome, numbers and the passage that states the rule."""

    rule_id: str
    label: str
    status: FindingStatus
    message: str
    threshold: str | None = None
    actual: str | None = None
    citation: CitedQuote | None = None
    adverse_reason: str | None = None  # Reg B wording, for a FAIL
    remedy: str | None = None  # what would change the outcome


class AgentVerdict(_Frozen):
    """What one agent concluded. `facts` are computed numbers; `reasoning` may come from an LLM."""

    agent: str
    verdict: str
    summary: str
    reasoning: str = ""
    score: float | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    conditions: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()  # quotes an LLM narrative relied on; the Audit agent checks them

    @property
    def citations(self) -> list[CitedQuote]:
        return [f.citation for f in self.findings if f.citation is not None]


class PrincipalReason(_Frozen):
    reason: str  # Reg B standard wording
    rule_id: str
    detail: str
    citation: CitedQuote | None = None
    remedy: str | None = None


class DecisionReport(_Frozen):
    """The automated-underwriting findings report: a proposal a loan officer confirms or overrides."""

    recommendation: Recommendation
    summary: str
    findings: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    principal_reasons: tuple[PrincipalReason, ...] = ()
    citations: tuple[CitedQuote, ...] = ()
    corpus_version: str = ""
    ruleset_version: str = ""


class AgentError(_Frozen):
    agent: str
    message: str
    kind: str = "error"  # error | fallback


class AgentUsage(_Frozen):
    agent: str
    provider: str
    model: str
    status: Literal["ok", "fallback", "offline", "error"]
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0


class AuditReport(_Frozen):
    """Faithfulness per agent: the share of its quoted claims found in its cited chunks."""

    faithfulness: dict[str, float]
    checked: int
    unsupported: tuple[str, ...] = ()
    overall: float = 1.0
