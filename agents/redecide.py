"""Deciding again without storing anything: replay a stored run under the policy it used (an auditor's
proof), or re-decide applications under a candidate rulebook before it is published (impact).

The graph runs without a checkpointer and nothing is persisted; an LLM narrative may read differently,
so what is compared is what the engine computes: the recommendation, the principal reasons, the findings
and the Ratio agent's figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.context import AgentContext
from agents.state import stored_start_state
from core.errors import LoanGraphError
from core.models import AgentTrace, Run
from policy.evidence import EvidenceResolver
from policy.publication import PublishedPolicy, get
from policy.rules import Rule, rulebook_hash
from policy.version import policy_version

MOVING = ("FAIL", "REVIEW", "UNVERIFIED", "CONDITION")  # finding statuses that move an outcome


@dataclass(frozen=True)
class Redecision:
    """What the engine decides for one application under one policy."""

    recommendation: str
    reasons: tuple[str, ...]
    findings: tuple[str, ...]
    figures: dict[str, Any] = field(hash=False)
    moved_by: tuple[str, ...] = ()  # rule ids of the findings that can move an outcome

    def same_as(self, other: Redecision) -> bool:
        return (self.recommendation, self.reasons, self.findings, self.figures) == (
            other.recommendation,
            other.reasons,
            other.findings,
            other.figures,
        )


@lru_cache(maxsize=1)
def _graph():
    from agents.graph import build_graph

    return build_graph()  # no checkpointer: nothing is stored


def redecide(facts: dict[str, Any], *, context: AgentContext, publication: PublishedPolicy | None) -> Redecision:
    """The engine's decision on `facts` (an application without its SSN) under `publication`."""
    state = stored_start_state(
        "redecide",
        facts,
        corpus_version=publication.corpus_version if publication else "",
        ruleset_version=publication.rulebook_hash if publication else "none",
        policy_publication_id=publication.id if publication else None,
        policy_version=publication.policy_version if publication else None,
    )
    final = _graph().invoke(state, context=context)
    report = final["report"]
    every = [
        f
        for agent in ("intake", "ratio", "compliance", "policy", "underwriting", "decision")
        if agent in final
        for f in final[agent].findings
    ]
    ratio = final.get("ratio")
    return Redecision(
        recommendation=report.recommendation,
        reasons=tuple(f"{r.reason}: {r.detail}" for r in report.principal_reasons),
        findings=tuple(report.findings),
        figures=json.loads(json.dumps(dict(ratio.facts), default=str)) if ratio is not None else {},
        moved_by=tuple(dict.fromkeys(f.rule_id for f in every if f.status in MOVING)),
    )


def pinned_context(context: AgentContext, publication: PublishedPolicy) -> AgentContext:
    """The same retriever, router and database, with evidence read from `publication` (stored or not)."""
    resolver = EvidenceResolver(
        context.evidence.retriever, session_factory=context.evidence.sessions, pinned=publication
    )
    return AgentContext(evidence=resolver, router=context.router, session_factory=context.session_factory)


def candidate(rules: tuple[Rule, ...], *, session: Session, name: str = "candidate") -> PublishedPolicy:
    """A rulebook as it would be published now (checked against the current corpus), stored nowhere."""
    from policy.check import check_policy, corpus_version_of
    from policy.corpus import load_corpus
    from policy.inventory.entries import load_inventory

    corpus = load_corpus(session=session)
    report = check_policy(rules, corpus, load_inventory())
    book, version = rulebook_hash(rules), corpus_version_of(corpus)
    return PublishedPolicy(
        id=0,
        name=name,
        approver="(not published)",
        how="candidate",
        published_at=None,
        rules=rules,
        rulebook_hash=book,
        document_ids=tuple(sorted(d.document_id for d in corpus.values())),
        corpus_version=version,
        policy_version=policy_version(rulebook_hash=book, corpus_version=version),
        checks={c.rule_id: c.to_dict() for c in report.rules},
    )


@dataclass(frozen=True)
class Replay:
    run_id: str
    stored: Redecision
    replayed: Redecision
    policy_version: str | None  # the version the run recorded
    current_version: str | None  # the same publication's version with today's engine and tables

    @property
    def same(self) -> bool:
        return self.stored.same_as(self.replayed)

    @property
    def same_policy(self) -> bool:
        return self.policy_version is not None and self.policy_version == self.current_version


def stored_decision(run: Run, ratio_facts: dict[str, Any]) -> Redecision:
    result = run.result or {}
    return Redecision(
        recommendation=result.get("recommendation", ""),
        reasons=tuple(f"{r['reason']}: {r['detail']}" for r in result.get("principal_reasons", [])),
        findings=tuple(result.get("findings", [])),
        figures=ratio_facts,
    )


def replay(run_id: str, *, context: AgentContext, session: Session) -> Replay:
    """Decide a stored run's application again under the publication the run used."""
    run = session.get(Run, run_id)
    if run is None:
        raise LoanGraphError(f"no run with id {run_id}")
    if run.status != "completed" or not run.result:
        raise LoanGraphError(f"run {run_id} has not finished: nothing to replay")
    publication = get(run.policy_publication_id, session=session) if run.policy_publication_id else None
    verdict = session.scalar(select(AgentTrace.verdict).where(AgentTrace.run_id == run_id, AgentTrace.agent == "ratio"))
    stored = stored_decision(run, (verdict or {}).get("facts", {}))
    ctx = pinned_context(context, publication) if publication else context
    replayed = redecide(run.application.data, context=ctx, publication=publication)
    current = (
        policy_version(rulebook_hash=publication.rulebook_hash, corpus_version=publication.corpus_version)
        if publication
        else None
    )
    return Replay(run_id, stored, replayed, run.policy_version, current)
