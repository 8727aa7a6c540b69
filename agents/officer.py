"""The loan officer's final decision on one run: server-side checks, the stored decision and its audit record.

`record_officer_decision` is the repository step (takes `*, session`, never commits);
`decide` is the unit of work: the run row is locked, checked, updated and the audit record appended in
one transaction, so a refused decision writes nothing and two officers cannot both decide one run.
Optimistic concurrency: the caller names the decision its officer saw (`seen`: the decided-at time of the
stored decision, None for an undecided run); a change made on a stale view is refused, with what is stored now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core import audit
from core.db import session_scope
from core.errors import LoanGraphError
from core.models import Application, Run

DECISIONS = ("APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE", "INCOMPLETE")
MIN_REASON = 10  # characters: "at least a sentence", enough to stop "ok" or "n/a"


@dataclass(frozen=True)
class OnFile:
    """The decision stored on a run when a change was refused: what the officer should now look at."""

    decision: str
    officer: str
    decided_at: datetime
    reason: str
    override: bool


class DecisionRefused(LoanGraphError):
    """The officer's decision was not recorded; the message says why and names the run.

    `on_file`: the decision stored now when the refusal is because the run was (re)decided meanwhile."""

    def __init__(self, message: str, on_file: OnFile | None = None) -> None:
        super().__init__(message)
        self.on_file = on_file


@dataclass(frozen=True)
class StoredDecision:
    """The officer's decision as stored on the run."""

    run_id: str
    applicant: str
    application_ref: str | None
    recommendation: str
    decision: str
    officer: str
    decided_at: datetime
    reason: str
    override: bool
    redecided_from: str | None = None  # the previous final decision, when this one replaced it


def _on_file(run: Run) -> OnFile | None:
    if run.final_decision is None or run.decided_at is None:
        return None
    return OnFile(
        run.final_decision,
        run.decided_by or "",
        run.decided_at,
        run.override_reason or "",
        run.final_decision != run.recommendation,
    )


def _when(run: Run) -> str:
    return run.decided_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if run.decided_at else "earlier"


def _check_view(run: Run, run_id: str, *, redecide: bool, seen: datetime | None) -> None:
    """Refuse a change made on a stale view: the stored decision must be the one the officer saw."""
    if run.final_decision is not None and not redecide:
        raise DecisionRefused(
            f"run {run_id} was already decided ({run.final_decision} by {run.decided_by}, "
            f"{_when(run)}); changing it is a re-decision with a written reason",
            _on_file(run),
        )
    if redecide and run.final_decision is None:
        raise DecisionRefused(f"run {run_id} has no decision yet to change")
    if redecide and seen is None and run.decided_at is not None:
        raise DecisionRefused(
            f"a re-decision of run {run_id} must name the decision it changes (its decided-at time)", _on_file(run)
        )
    if redecide and run.decided_at != seen:
        raise DecisionRefused(
            f"run {run_id} was re-decided meanwhile: it is now {run.final_decision} by "
            f"{run.decided_by} ({_when(run)}), not the decision you changed",
            _on_file(run),
        )


def _check(
    run: Run | None,
    run_id: str,
    *,
    final_decision: str,
    officer: str,
    reason: str,
    redecide: bool,
    seen: datetime | None = None,
) -> Run:
    if run is None:
        raise DecisionRefused(f"run {run_id} does not exist")
    if run.status != "completed" or run.recommendation is None:
        raise DecisionRefused(
            f"run {run_id} is not finished (status: {run.status}); only a completed run can be decided"
        )
    _check_view(run, run_id, redecide=redecide, seen=seen)
    if final_decision not in DECISIONS:
        raise DecisionRefused(f"decision must be one of {', '.join(DECISIONS)}")
    if not officer.strip():
        raise DecisionRefused("name the officer making the decision")
    needs_reason = redecide or final_decision != run.recommendation
    if needs_reason and len(reason.strip()) < MIN_REASON:
        what = "a re-decision" if redecide else "an override"
        raise DecisionRefused(f"{what} needs a written reason (at least a sentence)")
    if redecide and _same_text(reason, run.override_reason or ""):
        raise DecisionRefused(
            "a re-decision needs its own reason: this one repeats the reason of the decision it replaces"
        )
    return run


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def record_officer_decision(
    run_id: str,
    *,
    session: Session,
    final_decision: str,
    officer: str,
    reason: str = "",
    redecide: bool = False,
    seen: datetime | None = None,
) -> StoredDecision:
    """Check and store the decision on a locked run row, with its audit record; the caller commits.

    `seen`: the decided-at time of the decision the officer changes (required for a re-decision)."""
    run = session.scalar(select(Run).where(Run.id == run_id).with_for_update())
    run = _check(
        run, run_id, final_decision=final_decision, officer=officer, reason=reason, redecide=redecide, seen=seen
    )
    previous = run.final_decision
    override = final_decision != run.recommendation
    run.final_decision, run.override_reason = final_decision, reason.strip() or None
    run.decided_by, run.decided_at = officer.strip(), datetime.now(UTC)
    app = session.get(Application, run.application_id)
    ref = (app.data or {}).get("application_id") if app is not None else None
    payload: dict[str, Any] = {
        "recommendation": run.recommendation,
        "final_decision": final_decision,
        "override": override,
        "reason": reason.strip(),
        "officer": officer.strip(),
        "applicant": app.applicant_name if app is not None else None,
        "application_id": ref,
    }
    if redecide:
        payload["previous_decision"], payload["previous_decided_at"] = previous, seen.isoformat() if seen else None
    audit.append(
        session, event="officer_redecision" if redecide else "officer_decision", run_id=run_id, payload=payload
    )
    return StoredDecision(
        run.id,
        payload["applicant"] or "",
        ref,
        run.recommendation,
        final_decision,
        run.decided_by,
        run.decided_at,
        reason.strip(),
        override,
        previous if redecide else None,
    )


def decide(
    run_id: str,
    *,
    factory: sessionmaker[Session],
    final_decision: str,
    officer: str,
    reason: str = "",
    redecide: bool = False,
    seen: datetime | None = None,
) -> StoredDecision:
    """One unit of work: the checks, the decision and its audit record commit together or not at all."""
    with session_scope(factory) as session:
        return record_officer_decision(
            run_id,
            session=session,
            final_decision=final_decision,
            officer=officer,
            reason=reason,
            redecide=redecide,
            seen=seen,
        )
