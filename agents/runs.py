"""Reading runs back for the dashboard and recording the loan officer's final decision.

Query functions take `*, session` and never commit; `record_officer_decision` is a unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.errors import LoanGraphError
from core.models import AgentTrace, Application, RetrievalTraceRecord, Run

DECISIONS = ("APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE", "INCOMPLETE")


@dataclass(frozen=True)
class RunRow:
    """One line of the decisions table."""

    run_id: str
    started_at: datetime
    applicant: str
    loan_type: str
    loan_amount: float
    status: str
    recommendation: str | None
    final_decision: str | None
    latency_ms: float | None
    cost_usd: float
    errors: int


def list_runs(*, session: Session, limit: int = 500, loan_type: str | None = None,
              decision: str | None = None, search: str = "") -> list[RunRow]:
    """Most recent first, optionally filtered by loan type, recommendation and applicant name."""
    query = select(Run, Application).join(Application, Run.application_id == Application.id)
    if loan_type:
        query = query.where(Application.loan_type == loan_type)
    if decision:
        query = query.where(Run.recommendation == decision)
    if search.strip():
        query = query.where(Application.applicant_name.ilike(f"%{search.strip()}%") | Run.id.ilike(f"{search.strip()}%"))
    rows = session.execute(query.order_by(Run.started_at.desc()).limit(limit)).all()
    return [RunRow(r.id, r.started_at, a.applicant_name, a.loan_type, float(a.loan_amount), r.status,
                   r.recommendation, r.final_decision, r.latency_ms, r.cost_usd, len(r.errors or []))
            for r, a in rows]


def get_run(run_id: str, *, session: Session) -> Run | None:
    """A run with its application, agent traces and retrieval traces loaded."""
    return session.scalar(select(Run).where(Run.id == run_id).options(
        selectinload(Run.application), selectinload(Run.agent_traces), selectinload(Run.retrieval_traces)))


def agent_trace(run_id: str, agent: str, *, session: Session) -> AgentTrace | None:
    return session.scalar(select(AgentTrace).where(AgentTrace.run_id == run_id, AgentTrace.agent == agent))


def retrieval_traces(run_id: str, agent: str | None = None, *, session: Session) -> list[RetrievalTraceRecord]:
    query = select(RetrievalTraceRecord).where(RetrievalTraceRecord.run_id == run_id)
    if agent:
        query = query.where(RetrievalTraceRecord.agent == agent)
    return list(session.scalars(query.order_by(RetrievalTraceRecord.id)))


def record_officer_decision(run_id: str, *, session: Session, final_decision: str, officer: str,
                            reason: str = "") -> Run:
    """The officer confirms the recommendation or overrides it with a written reason; both are kept."""
    run = session.get(Run, run_id)
    if run is None or run.status != "completed":
        raise LoanGraphError("only a completed run can be decided")
    if final_decision not in DECISIONS:
        raise LoanGraphError(f"decision must be one of {', '.join(DECISIONS)}")
    override = final_decision != run.recommendation
    if override and len(reason.strip()) < 10:
        raise LoanGraphError("an override needs a written reason (at least a sentence)")
    if not officer.strip():
        raise LoanGraphError("name the officer making the decision")
    run.final_decision, run.override_reason = final_decision, reason.strip() or None
    run.decided_by, run.decided_at = officer.strip(), datetime.now(UTC)
    payload: dict[str, Any] = {"recommendation": run.recommendation, "final_decision": final_decision,
                               "override": override, "reason": reason.strip(), "officer": officer.strip()}
    audit.append(session, event="officer_decision", run_id=run_id, payload=payload)
    return run
