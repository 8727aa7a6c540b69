"""`LoanState`: what flows through the underwriting graph. List fields merge with reducers.

The application is validated once, before the graph starts, and travels as that typed model with
its SSN replaced by `core.schemas.REDACTED_SSN`: agents, prompts, logs and checkpoints never see it.
(Reading a checkpoint back, at a run's end or on resume, LangGraph rebuilds each model through its
constructor: data from the database is validated again, as it should be.)
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from agents.verdicts import AgentError, AgentUsage, AgentVerdict, AuditReport, DecisionReport
from core.schemas import LoanApplication, application_from_facts, redacted
from policy.figures import RatioFigures


class LoanState(TypedDict, total=False):
    run_id: str
    application: LoanApplication  # core.schemas.redacted(app): the SSN is the placeholder
    ssn_masked: str  # the real SSN's last four, for what is shown ("***-**-1234")
    corpus_version: str
    ruleset_version: str  # the rulebook's hash
    policy_publication_id: int | None  # the published policy the run decides under (None: none published)
    policy_version: str | None  # rulebook, inventory, reference tables, corpus and engine, as one hash

    intake: AgentVerdict
    ratio: AgentVerdict
    ratios: RatioFigures  # written by the Ratio agent; its verdict's facts show the same figures as text
    compliance: AgentVerdict
    policy: AgentVerdict
    underwriting: AgentVerdict
    decision: AgentVerdict
    report: DecisionReport  # written by the Decision agent
    audit: AgentVerdict
    audit_report: AuditReport  # written by the Audit agent

    # appended to by every agent (parallel agents included), never overwritten
    usage: Annotated[list[AgentUsage], operator.add]
    retrievals: Annotated[list[dict[str, Any]], operator.add]
    errors: Annotated[list[AgentError], operator.add]


def start_state(
    run_id: str,
    app: LoanApplication,
    *,
    ssn_masked: str,
    corpus_version: str,
    ruleset_version: str,
    policy_publication_id: int | None,
    policy_version: str | None,
) -> LoanState:
    """What a run starts from: `app` as validated (its SSN redacted here) and the policy it is pinned to."""
    return {
        "run_id": run_id,
        "application": redacted(app),
        "ssn_masked": ssn_masked,
        "corpus_version": corpus_version,
        "ruleset_version": ruleset_version,
        "policy_publication_id": policy_publication_id,
        "policy_version": policy_version,
    }


def stored_start_state(run_id: str, facts: dict[str, Any], **pins: Any) -> LoanState:
    """A run's start from its stored application (`core.schemas.application_facts` output, any age)."""
    return start_state(run_id, application_from_facts(facts), ssn_masked=str(facts.get("ssn_masked", "")), **pins)
