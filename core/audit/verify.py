"""Everything `python -m core.audit` checks: the keyed chain, the exported head, the table's guards,
the connected role, and that the stored decisions and agent verdicts are the ones the log recorded.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.audit import database_name, digest, verify_chain
from core.audit.anchor import anchor_path, read_anchor
from core.db_roles import check_role
from core.models import AgentTrace, AuditRecord, Run

GUARD_TRIGGERS = ("audit_log_no_change", "audit_log_no_truncate")


@dataclass(frozen=True)
class AuditReport:
    records: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_report(session: Session, *, key: bytes, anchor_dir: Path) -> AuditReport:
    chain = verify_chain(session, key=key)
    problems: list[str] = []
    if not chain.ok:
        problems.append(f"chain broken at record {chain.first_bad_id}: {chain.problem}")
    problems += _anchor_problems(session, chain.head, key, anchor_dir)
    problems += _guard_problems(session)
    problems += _decision_problems(session)
    problems += _officer_problems(session)
    problems += _verdict_problems(session)
    return AuditReport(chain.records, tuple(problems))


def _anchor_problems(session: Session, head: tuple[int, str] | None, key: bytes, anchor_dir: Path) -> list[str]:
    path = anchor_path(anchor_dir, database_name(session))
    try:
        anchor = read_anchor(path, key)
    except ValueError as exc:
        return [str(exc)]
    if anchor is None:
        return [f"no exported chain head at {path}: truncation cannot be ruled out"] if head else []
    stored = session.scalar(select(AuditRecord.hash).where(AuditRecord.id == anchor.record_id))
    if stored is None:
        last = head[0] if head else "none"
        return [f"records missing: the exported head is record {anchor.record_id}, the log ends at {last} (truncated)"]
    if stored != anchor.hash:
        return [f"record {anchor.record_id} differs from the exported head (rewritten)"]
    return []


def _guard_problems(session: Session) -> list[str]:
    rows = {str(name): str(enabled) for name, enabled in session.execute(text(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"))}
    problems = [f"guard trigger {name} is missing" for name in GUARD_TRIGGERS if name not in rows]
    problems += [f"guard trigger {name} is disabled" for name in GUARD_TRIGGERS if rows.get(name) == "D"]
    role = check_role(session.connection())
    if not role.least_privilege:
        problems.append(f"{role.problem()}: it could rewrite the audit log")
    return problems


def _latest_payloads(session: Session, event: str) -> dict[str | None, dict[str, Any]]:
    """The payload of the latest audit record of `event` for each run."""
    return {r.run_id: r.payload for r in session.scalars(
        select(AuditRecord).where(AuditRecord.event == event).order_by(AuditRecord.id))}


def _recorded_runs(session: Session, column: Any, event: str,
                   missing: str) -> tuple[list[str], list[tuple[Run, dict[str, Any]]]]:
    """Runs whose `column` is set, each paired with its latest `event` payload; a run without one is a problem."""
    recorded = _latest_payloads(session, event)
    problems: list[str] = []
    pairs: list[tuple[Run, dict[str, Any]]] = []
    for run in session.scalars(select(Run).where(column.is_not(None)).order_by(Run.started_at)):
        payload = recorded.get(run.id)
        if payload is None:
            problems.append(missing.format(run=run))
        else:
            pairs.append((run, payload))
    return problems, pairs


def _decision_problems(session: Session) -> list[str]:
    problems, pairs = _recorded_runs(session, Run.recommendation, "decision_recommended",
                                     "run {run.id}: recommendation {run.recommendation} has no audit record")
    for run, payload in pairs:
        if payload.get("recommendation") != run.recommendation:
            problems.append(f"run {run.id}: runs.recommendation is {run.recommendation} but the audit log "
                            f"recorded {payload.get('recommendation')}")
        elif "result_digest" in payload and digest(run.result) != payload["result_digest"]:
            problems.append(f"run {run.id}: the stored decision (reasons, findings) differs from the one recorded")
    return problems


def _officer_problems(session: Session) -> list[str]:
    """runs.final_decision must be the latest officer decision the log recorded for that run."""
    problems, pairs = _recorded_runs(session, Run.final_decision, "officer_decision",
                                     "run {run.id}: final decision {run.final_decision} has no officer-decision record")
    for run, payload in pairs:
        if payload.get("final_decision") != run.final_decision:
            problems.append(f"run {run.id}: runs.final_decision is {run.final_decision} but the officer "
                            f"decided {payload.get('final_decision')}")
    return problems


def _verdict_problems(session: Session) -> list[str]:
    recorded: dict[tuple[str | None, Any], list[dict[str, Any]]] = defaultdict(list)
    for r in session.scalars(select(AuditRecord).where(AuditRecord.event == "agent_verdict")):
        recorded[(r.run_id, r.payload.get("agent"))].append(r.payload)
    problems = []
    for trace in session.scalars(select(AgentTrace).order_by(AgentTrace.run_id, AgentTrace.seq)):
        payloads = recorded.get((trace.run_id, trace.agent))
        if not payloads:
            problems.append(f"run {trace.run_id}: the {trace.agent} verdict has no audit record")
        elif not any(_matches(p, trace.verdict) for p in payloads):
            problems.append(f"run {trace.run_id}: the stored {trace.agent} verdict differs from its audit record")
    return problems


def _matches(payload: dict[str, Any], verdict: dict[str, Any]) -> bool:
    if "verdict_digest" in payload:
        return bool(payload["verdict_digest"] == digest(verdict))
    # records written before verdict digests: compare what they did record
    return payload.get("verdict") == verdict.get("verdict") and payload.get("summary") == verdict.get("summary")
