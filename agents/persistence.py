"""Saving a run as it happens: application, run, agent and retrieval traces, audit records.

Repository functions take `*, session` and never commit; `agents.service` owns the transactions
(one per event, so a fault loses nothing already reported).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agents.verdicts import AgentError, AgentUsage, AgentVerdict
from core import audit
from core.audit.records import application_digest
from core.errors import LoanGraphError
from core.models import AgentTrace, Application, RetrievalTraceRecord, Run
from core.schemas import LoanApplication, application_facts


def corpus_version(*, session: Session) -> str:
    """The policy corpus a decision used: the ingest package's corpus fingerprint (stored versions, current ones)."""
    from rag.ingest.fingerprint import corpus_fingerprint

    return corpus_fingerprint(session=session)


def save_application(app: LoanApplication, *, session: Session, application_id: str, ssn_hash: str) -> Application:
    record = Application(
        id=application_id,
        applicant_name=app.applicant_name,
        ssn_masked=app.ssn_masked,
        ssn_hash=ssn_hash,
        loan_type=app.loan_type,
        loan_amount=app.loan_amount,
        data=application_facts(app),
        application_ref=app.application_id,
    )
    session.add(record)
    return record


def start_run(
    *,
    session: Session,
    run_id: str,
    application_id: str,
    corpus: str,
    ruleset: str,
    routes: dict[str, str],
    publication_id: int | None = None,
    policy_version: str | None = None,
) -> Run:
    run = Run(
        id=run_id,
        application_id=application_id,
        status="running",
        corpus_version=corpus,
        ruleset_version=ruleset,
        policy_publication_id=publication_id,
        policy_version=policy_version,
    )
    session.add(run)
    session.flush()
    application = session.get(Application, application_id)
    audit.append(
        session,
        event="run_started",
        run_id=run_id,
        payload={
            "application_id": application_id,
            "corpus_version": corpus,
            "ruleset_version": ruleset,
            "policy_publication_id": publication_id,
            "policy_version": policy_version,
            "routes": routes,  # the application's stored fields are chained too (core.audit.records)
            "application_digest": application_digest(application) if application else None,
        },
    )
    return run


def stored_seq(*, session: Session, run_id: str, agent: str) -> int | None:
    """The seq of `agent`'s stored trace in this run, or None when it has none yet."""
    return session.scalar(select(AgentTrace.seq).where(AgentTrace.run_id == run_id, AgentTrace.agent == agent))


def save_agent(
    *,
    session: Session,
    run_id: str,
    seq: int,
    verdict: AgentVerdict,
    usage: AgentUsage | None,
    retrievals: list[dict[str, Any]],
) -> int:
    """Store an agent's trace, retrievals and audit record; returns its seq.

    Idempotent: when a resumed run re-runs an agent whose trace is already stored (the outage came
    after the trace but before the graph's checkpoint), the stored trace is kept and nothing is added.
    """
    existing = stored_seq(session=session, run_id=run_id, agent=verdict.agent)
    if existing is not None:
        return existing
    u = usage or AgentUsage(agent=verdict.agent, provider="offline", model="policy-engine", status="offline")
    stored = verdict.model_dump(mode="json")
    session.add(
        AgentTrace(
            run_id=run_id,
            agent=verdict.agent,
            seq=seq,
            provider=u.provider,
            model=u.model,
            status=u.status,
            tokens_in=u.tokens_in,
            tokens_out=u.tokens_out,
            cost_usd=u.cost_usd,
            latency_ms=u.latency_ms,
            verdict=stored,
            citations=[c.model_dump(mode="json") for c in verdict.citations],
        )
    )
    for r in retrievals:
        session.add(
            RetrievalTraceRecord(
                run_id=run_id, agent=r["agent"], query=r["query"], trace={**r["trace"], "rule_id": r.get("rule_id")}
            )
        )
    audit.append(
        session,
        event="agent_verdict",
        run_id=run_id,
        payload={
            "agent": verdict.agent,
            "verdict": verdict.verdict,
            "summary": verdict.summary,
            "citations": [c.chunk_id for c in verdict.citations],
            "provider": u.provider,
            "model": u.model,
            "verdict_digest": audit.digest(stored),
        },
    )  # the full verdict (findings included) is chained
    return seq


def next_seq(*, session: Session, run_id: str) -> int:
    """The seq the next stored trace of this run takes."""
    return (session.scalar(select(func.max(AgentTrace.seq)).where(AgentTrace.run_id == run_id)) or 0) + 1


def set_faithfulness(*, session: Session, run_id: str, scores: dict[str, float]) -> None:
    for trace in session.scalars(select(AgentTrace).where(AgentTrace.run_id == run_id)):
        trace.faithfulness = scores.get(trace.agent)


def finish_run(
    *,
    session: Session,
    run_id: str,
    result: dict[str, Any],
    latency_ms: float,
    usage: list[AgentUsage],
    errors: list[AgentError],
) -> None:
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
    audit.append(
        session,
        event="decision_recommended",
        run_id=run_id,
        payload={
            "recommendation": result["recommendation"],
            "reasons": [r["reason"] for r in result["principal_reasons"]],
            "corpus_version": result["corpus_version"],
            "ruleset_version": result["ruleset_version"],
            "result_digest": audit.digest(result),
        },
    )  # the full decision (reasons, findings) is chained


def mark_interrupted(*, session: Session, run_id: str, message: str) -> None:
    run = session.get(Run, run_id)
    if run is not None and run.status == "running":
        run.status = "interrupted"
        run.errors = [*run.errors, {"agent": "pipeline", "message": message, "kind": "interrupted"}]


def mark_failed(*, session: Session, run_id: str, reason: str) -> Run:
    """Close an unfinished run for good (it will not be resumed); an audit record says why."""
    run = session.get(Run, run_id, with_for_update=True)
    if run is None:
        raise LoanGraphError(f"no run with id {run_id}")
    if run.status == "completed":
        raise LoanGraphError(f"run {run_id} is completed; only an unfinished run can be marked failed")
    if run.status != "failed":
        run.status = "failed"
        run.finished_at = datetime.now(UTC)
        run.errors = [*run.errors, {"agent": "pipeline", "message": reason, "kind": "failed"}]
        audit.append(session, event="run_failed", run_id=run_id, payload={"reason": reason})
    return run
