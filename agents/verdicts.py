"""Typed verdicts the agents write into `LoanState`, and the events streamed to the UI.

Pydantic models so LangGraph's checkpointer can store and restore them, and so LLM output
can be validated against the same shapes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# the engine's own types, re-exported: agents speak in findings and citations the engine produces
from policy.types import CitedQuote, CreditScoreDisclosure, Finding, FindingStatus  # noqa: F401

# INCOMPLETE: a notice of incompleteness (Reg B 1002.9(c)) goes out instead of a decision
Recommendation = Literal["APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE", "INCOMPLETE"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


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


class IncompletenessNotice(_Frozen):
    """Notice of incompleteness (Reg B 1002.9(c); fair lending policy 4.3)."""

    missing_items: tuple[str, ...]
    deadline_days: int  # the applicant has at least this many calendar days to supply them
    send_within_days: int  # the notice goes out within this many days of receiving the application
    citation: CitedQuote | None = None


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
    # issue 9: cited closing conditions every file of the program carries (they do not change APPROVE)
    standard_conditions: tuple[str, ...] = ()
    notice_tasks: tuple[str, ...] = ()  # what must be completed before the adverse action notice is sent
    credit_score_disclosure: CreditScoreDisclosure | None = None
    incompleteness_notice: IncompletenessNotice | None = None


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
