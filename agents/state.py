"""`LoanState`: what flows through the underwriting graph. List fields merge with reducers.

The application travels without its SSN (`facts`): agents, prompts, logs and checkpoints
never see it.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from agents.verdicts import AgentError, AgentUsage, AgentVerdict, AuditReport, DecisionReport


class LoanState(TypedDict, total=False):
    run_id: str
    application: dict[str, Any]  # LoanApplication.model_dump(mode="json") minus the SSN
    corpus_version: str
    ruleset_version: str  # the rulebook's hash
    policy_publication_id: int | None  # the published policy the run decides under (None: none published)
    policy_version: str  # rulebook, inventory, reference tables, corpus and engine, as one hash

    intake: AgentVerdict
    ratio: AgentVerdict
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
