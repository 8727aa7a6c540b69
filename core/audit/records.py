"""The stored rows each audit record signs, checked against the latest record that signs them.

`python -m core.audit` (core.audit.verify) calls these: the officer's decision and every re-decision in
order, the application and the policy a run decided on (as `run_started` signed them), runs deleted or
emptied after their decision was recorded, and each policy publication with the rulebook it published.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import digest
from core.models import Application, AuditRecord, PolicyPublication, Run

OFFICER_EVENTS = ("officer_decision", "officer_redecision")
# runs columns that `run_started` signs (records written before a key existed do not check it)
STARTED_FIELDS = {
    "application_id": "application_id",
    "corpus_version": "corpus_version",
    "ruleset_version": "ruleset_version",
    "policy_publication_id": "policy_publication_id",
    "policy_version": "policy_version",
}
PUBLISHED_FIELDS = (
    "approver",
    "how",
    "name",
    "rulebook_hash",
    "policy_version",
    "corpus_version",
    "document_ids",
    "accept_reason",
)


def application_digest(app: Application) -> str:
    """The digest `run_started` records of an application's stored fields (loan_amount as the column keeps it)."""
    return digest(
        {
            "applicant_name": app.applicant_name,
            "ssn_masked": app.ssn_masked,
            "ssn_hash": app.ssn_hash,
            "loan_type": app.loan_type,
            "loan_amount": str(Decimal(app.loan_amount).quantize(Decimal("0.01"))),
            "application_ref": app.application_ref,
            "data": app.data,
        }
    )


def _latest(
    session: Session, events: tuple[str, ...]
) -> tuple[dict[str | None, dict[str, Any]], dict[str | None, int]]:
    """(latest payload, number of records) of any of `events` per run, in the chain's order."""
    latest: dict[str | None, dict[str, Any]] = {}
    counts: dict[str | None, int] = {}
    for r in session.scalars(select(AuditRecord).where(AuditRecord.event.in_(events)).order_by(AuditRecord.id)):
        latest[r.run_id] = r.payload
        counts[r.run_id] = counts.get(r.run_id, 0) + 1
    return latest, counts


def officer_problems(session: Session) -> list[str]:
    """runs.final_decision, decided_by and override_reason are the latest officer decision or re-decision."""
    recorded, _ = _latest(session, OFFICER_EVENTS)
    problems: list[str] = []
    runs = {
        run.id: run
        for run in session.scalars(
            select(Run)
            .where(Run.final_decision.is_not(None) | Run.id.in_([r for r in recorded if r is not None]))
            .order_by(Run.started_at)
        )
    }
    for run in runs.values():
        payload = recorded.get(run.id)
        if payload is None:
            problems.append(f"run {run.id}: final decision {run.final_decision} has no officer-decision record")
            continue
        problems += _officer_fields(run, payload)
    return problems


def _officer_fields(run: Run, payload: dict[str, Any]) -> list[str]:
    expected = {
        "final_decision": payload.get("final_decision"),
        "decided_by": payload.get("officer"),
        "override_reason": payload.get("reason") or None,
    }
    problems = []
    for column, value in expected.items():
        stored = getattr(run, column)
        if stored != value:
            if column == "final_decision":
                problems.append(f"run {run.id}: runs.final_decision is {stored} but the officer decided {value}")
            else:
                problems.append(f"run {run.id}: runs.{column} differs from the officer's latest recorded decision")
    return problems


def run_problems(session: Session) -> list[str]:
    """Runs deleted after they started, applications changed after, decisions emptied after they were recorded."""
    started, _ = _latest(session, ("run_started",))
    decided, _ = _latest(session, ("decision_recommended",))
    runs = {run.id: run for run in session.scalars(select(Run))}
    left: dict[str | None, int] = {
        run_id: int(n)
        for run_id, n in session.execute(
            select(AuditRecord.run_id, func.count()).where(AuditRecord.run_id.is_not(None)).group_by(AuditRecord.run_id)
        )
    }
    problems: list[str] = []
    for run_id in sorted((set(started) | set(decided)) - set(runs), key=str):
        problems.append(f"run {run_id}: deleted, but its {left.get(run_id, 0)} audit records remain")
    for run_id, payload in started.items():
        run = runs.get(run_id) if run_id is not None else None
        if run is not None:
            problems += _started_fields(run, payload)
        if run is not None and "application_digest" in payload:
            app = session.get(Application, run.application_id)
            if app is None or application_digest(app) != payload["application_digest"]:
                problems.append(
                    f"run {run_id}: the application it decided on was changed or removed after the run started"
                )
    for run_id in decided:
        run = runs.get(run_id) if run_id is not None else None
        if run is not None and (run.status != "completed" or run.recommendation is None or run.result is None):
            problems.append(
                f"run {run_id}: its recorded decision was removed from the run (status {run.status}, "
                f"recommendation {run.recommendation})"
            )
    return problems


def _started_fields(run: Run, payload: dict[str, Any]) -> list[str]:
    """The run's application and policy (publication, versions) are the ones it was started under."""
    changed = [
        column for key, column in STARTED_FIELDS.items() if key in payload and getattr(run, column) != payload[key]
    ]
    return [f"run {run.id}: runs.{column} differs from what its run_started record signed" for column in changed]


def stored_rulebook_hash(rulebook: list[Any]) -> str:
    """As policy.rules.rulebook_hash computes it over the rules the publication stored."""
    return hashlib.sha256(json.dumps(rulebook, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def publication_problems(session: Session) -> list[str]:
    """Each publication is the one its policy_published record signed, with the rulebook it published."""
    recorded: dict[int, dict[str, Any]] = {}
    for r in session.scalars(
        select(AuditRecord).where(AuditRecord.event == "policy_published").order_by(AuditRecord.id)
    ):
        recorded[int(r.payload.get("publication_id") or 0)] = r.payload
    rows = {row.id: row for row in session.scalars(select(PolicyPublication).order_by(PolicyPublication.id))}
    problems = [
        f"policy publication {pid}: deleted, but its audit record remains"
        for pid in sorted(set(recorded) - set(rows), key=str)
    ]
    for pid, row in rows.items():
        payload = recorded.get(pid)
        if payload is None:
            problems.append(f"policy publication {pid} has no audit record")
            continue
        changed = [f for f in PUBLISHED_FIELDS if f in payload and getattr(row, f) != payload[f]]
        problems += [f"policy publication {pid}: {f} differs from its policy_published record" for f in changed]
        if stored_rulebook_hash(row.rulebook) != row.rulebook_hash:
            problems.append(
                f"policy publication {pid}: its stored rulebook is not the one published "
                f"(hash {stored_rulebook_hash(row.rulebook)}, published {row.rulebook_hash})"
            )
    return problems
