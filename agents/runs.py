"""Reading runs back for the dashboard and recording the loan officer's final decision.

Query functions take `*, session` and never commit. The officer's decision lives in `agents.officer`
(re-exported here for the callers that import it from this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from agents.officer import DECISIONS, record_officer_decision
from core.models import AgentTrace, Application, RetrievalTraceRecord, Run

__all__ = [
    "DECISIONS",
    "PAGE",
    "RunRow",
    "agent_trace",
    "application_ref_owner",
    "count_runs",
    "get_run",
    "list_runs",
    "record_officer_decision",
    "retrieval_traces",
]


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
    application_ref: str | None = None  # the applicant's own application ID, when one was given
    decided_by: str | None = None  # the officer's final decision: who, when, and the reason written
    decided_at: datetime | None = None
    decision_reason: str | None = None


def _search(text: str):
    """Applicant name or application ID anywhere in it; run id by its start."""
    like = f"%{text}%"
    return (
        Application.applicant_name.ilike(like)
        | Application.data["application_id"].astext.ilike(like)
        | Run.id.ilike(f"{text}%")
    )


PAGE = 500  # rows a table shows at a time; the page says "500 of N" and offers more, never a silent cap


def _filtered(
    query,
    *,
    loan_type: str | None,
    decision: str | None,
    search: str,
    awaiting: bool,
    run_id: str | None,
    decided: bool = False,
):
    if run_id is not None:
        query = query.where(Run.id == run_id)
    if loan_type:
        query = query.where(Application.loan_type == loan_type)
    if decision:
        query = query.where(Run.recommendation == decision)
    if search.strip():
        query = query.where(_search(search.strip()))
    if awaiting:
        query = query.where(Run.status == "completed", Run.final_decision.is_(None))
    if decided:
        query = query.where(Run.final_decision.is_not(None))
    return query


def list_runs(
    *,
    session: Session,
    limit: int = PAGE,
    loan_type: str | None = None,
    decision: str | None = None,
    search: str = "",
    awaiting: bool = False,
    run_id: str | None = None,
    decided: bool = False,
) -> list[RunRow]:
    """Most recent first, optionally filtered by loan type, recommendation, name / ID, or awaiting a decision.

    `awaiting`: completed runs with no officer decision yet, oldest first (the officer's work queue).
    `run_id`: that run only (its whole id). `decided`: runs with an officer's decision, latest decision first.
    `count_runs` says how many match without the limit.
    """
    query = _filtered(
        select(Run, Application).join(Application, Run.application_id == Application.id),
        loan_type=loan_type,
        decision=decision,
        search=search,
        awaiting=awaiting,
        run_id=run_id,
        decided=decided,
    )
    order = Run.decided_at.desc() if decided else Run.started_at.asc() if awaiting else Run.started_at.desc()
    query = query.order_by(order)
    rows = session.execute(query.limit(limit)).all()
    return [
        RunRow(
            r.id,
            r.started_at,
            a.applicant_name,
            a.loan_type,
            float(a.loan_amount),
            r.status,
            r.recommendation,
            r.final_decision,
            r.latency_ms,
            r.cost_usd,
            len(r.errors or []),
            (a.data or {}).get("application_id"),
            r.decided_by,
            r.decided_at,
            r.override_reason,
        )
        for r, a in rows
    ]


def count_runs(
    *,
    session: Session,
    loan_type: str | None = None,
    decision: str | None = None,
    search: str = "",
    awaiting: bool = False,
) -> int:
    """How many runs the same filters match, however many a page lists."""
    query = _filtered(
        select(func.count()).select_from(Run).join(Application, Run.application_id == Application.id),
        loan_type=loan_type,
        decision=decision,
        search=search,
        awaiting=awaiting,
        run_id=None,
    )
    return int(session.scalar(query) or 0)


def application_ref_owner(ref: str, *, session: Session) -> str | None:
    """The applicant already holding application ID `ref`, or None when it is free."""
    return session.scalar(select(Application.applicant_name).where(Application.application_ref == ref).limit(1))


def get_run(run_id: str, *, session: Session) -> Run | None:
    """A run with its application, agent traces and retrieval traces loaded."""
    return session.scalar(
        select(Run)
        .where(Run.id == run_id)
        .options(selectinload(Run.application), selectinload(Run.agent_traces), selectinload(Run.retrieval_traces))
    )


def agent_trace(run_id: str, agent: str, *, session: Session) -> AgentTrace | None:
    return session.scalar(select(AgentTrace).where(AgentTrace.run_id == run_id, AgentTrace.agent == agent))


def retrieval_traces(run_id: str, agent: str | None = None, *, session: Session) -> list[RetrievalTraceRecord]:
    query = select(RetrievalTraceRecord).where(RetrievalTraceRecord.run_id == run_id)
    if agent:
        query = query.where(RetrievalTraceRecord.agent == agent)
    return list(session.scalars(query.order_by(RetrievalTraceRecord.id)))
