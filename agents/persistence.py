"""Saving a run as it happens: application, run, agent and retrieval traces, audit records.

Repository functions take `*, session` and never commit; `agents.service` owns the transactions
(one per event, so a fault loses nothing already reported).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.verdicts import AgentError, AgentUsage, AgentVerdict
from core import audit
from core.models import AgentTrace, Application, PolicyDocument, RetrievalTraceRecord, Run
from core.schemas import LoanApplication, application_facts


def corpus_version(*, session: Session) -> str:
    """A short hash of every ingested document's content: the policy corpus a decision used."""
    rows = session.execute(select(PolicyDocument.file_name, PolicyDocument.content_hash).order_by(PolicyDocument.file_name)).all()
    return hashlib.sha256("".join(f"{n}:{h};" for n, h in rows).encode()).hexdigest()[:16]


def save_application(app: LoanApplication, *, session: Session, application_id: str, ssn_hash: str) -> Application:
    record = Application(id=application_id, applicant_name=app.applicant_name, ssn_masked=app.ssn_masked,
                         ssn_hash=ssn_hash, loan_type=app.loan_type, loan_amount=app.loan_amount,
                         data=application_facts(app), application_ref=app.application_id)
    session.add(record)
    return record


def start_run(*, session: Session, run_id: str, application_id: str, corpus: str, ruleset: str,
              routes: dict[str, str]) -> Run:
    run = Run(id=run_id, application_id=application_id, status="running", corpus_version=corpus, ruleset_version=ruleset)
    session.add(run)
    session.flush()
    audit.append(session, event="run_started", run_id=run_id,
                 payload={"application_id": application_id, "corpus_version": corpus, "ruleset_version": ruleset,
                          "routes": routes})
    return run


def save_agent(*, session: Session, run_id: str, seq: int, verdict: AgentVerdict, usage: AgentUsage | None,
               retrievals: list[dict[str, Any]]) -> None:
    u = usage or AgentUsage(agent=verdict.agent, provider="offline", model="policy-engine", status="offline")
    session.add(AgentTrace(run_id=run_id, agent=verdict.agent, seq=seq, provider=u.provider, model=u.model,
                           status=u.status, tokens_in=u.tokens_in, tokens_out=u.tokens_out, cost_usd=u.cost_usd,
                           latency_ms=u.latency_ms, verdict=verdict.model_dump(mode="json"),
                           citations=[c.model_dump(mode="json") for c in verdict.citations]))
    for r in retrievals:
        session.add(RetrievalTraceRecord(run_id=run_id, agent=r["agent"], query=r["query"],
                                         trace={**r["trace"], "rule_id": r.get("rule_id")}))
    audit.append(session, event="agent_verdict", run_id=run_id, payload={
        "agent": verdict.agent, "verdict": verdict.verdict, "summary": verdict.summary,
        "citations": [c.chunk_id for c in verdict.citations], "provider": u.provider, "model": u.model})


def set_faithfulness(*, session: Session, run_id: str, scores: dict[str, float]) -> None:
    for trace in session.scalars(select(AgentTrace).where(AgentTrace.run_id == run_id)):
        trace.faithfulness = scores.get(trace.agent)


def finish_run(*, session: Session, run_id: str, result: dict[str, Any], latency_ms: float, usage: list[AgentUsage],
               errors: list[AgentError]) -> None:
    run = session.get(Run, run_id)
    run.status = "completed"
    run.recommendation = result["recommendation"]
    run.finished_at = datetime.now(UTC)
    run.latency_ms = latency_ms
    run.tokens_in = sum(u.tokens_in for u in usage)
    run.tokens_out = sum(u.tokens_out for u in usage)
    run.cost_usd = sum(u.cost_usd for u in usage)
    run.errors = [e.model_dump(mode="json") for e in errors]
    run.result = result
    audit.append(session, event="decision_recommended", run_id=run_id, payload={
        "recommendation": result["recommendation"], "reasons": [r["reason"] for r in result["principal_reasons"]],
        "corpus_version": result["corpus_version"], "ruleset_version": result["ruleset_version"]})


def mark_interrupted(*, session: Session, run_id: str, message: str) -> None:
    run = session.get(Run, run_id)
    if run is not None and run.status == "running":
        run.status = "interrupted"
        run.errors = [*run.errors, {"agent": "pipeline", "message": message, "kind": "interrupted"}]
