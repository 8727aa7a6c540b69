"""Everything `python -m core.audit` checks: the keyed chain, the exported head, the table's guards,
the connected role, and that the stored decisions and agent verdicts are the ones the log recorded.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.audit import database_identity, database_name, digest, verify_chain
from core.audit.anchor import anchor_path, read_anchor
from core.audit.records import officer_problems, publication_problems, run_problems
from core.db_roles import APP_ROLE, APPEND_ONLY_TABLES, check_role
from core.models import AgentTrace, AuditRecord, Run

GUARD_TRIGGERS = ("audit_log_no_change", "audit_log_no_truncate")
# SHA-256 of each guard's definition as PostgreSQL prints it (pg_get_triggerdef / pg_get_functiondef,
# whitespace collapsed), as migration 0002 creates it: a trigger re-pointed, narrowed to other events or
# made AFTER, or a function body replaced by a no-op, no longer matches.
GUARD_DEFINITIONS = {
    "audit_log_no_change": "733ccc89953d4315527014e3bcd581831c7da880d3b9e58426c3fa056cc4bb6d",
    "audit_log_no_truncate": "f934e83d81b174ecfe91ee889498c921c5433d89b6cbf35a7742daf094caa6b3",
}
GUARD_FUNCTION = "7f601e1bd961ea153fca4716c8a478bf4e2f96d02aa661f052f24ad7057c83f6"  # audit_log_append_only()


def definition_hash(definition: str) -> str:
    return hashlib.sha256(" ".join(definition.split()).encode()).hexdigest()


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
    problems += [f"chain broken at record {record_id}: {problem}" for record_id, problem in chain.breaks]
    problems += _anchor_problems(session, chain.head, key, anchor_dir)
    problems += _guard_problems(session)
    problems += _decision_problems(session)
    problems += officer_problems(session)
    problems += run_problems(session)
    problems += publication_problems(session)
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
    mismatch = anchor.mismatch(database_name(session), database_identity(session))
    if mismatch:
        return [f"anchor file {path} does not belong to this database: {mismatch}"]
    stored = session.scalar(select(AuditRecord.hash).where(AuditRecord.id == anchor.record_id))
    if stored is None:
        last = head[0] if head else "none"
        return [f"records missing: the exported head is record {anchor.record_id}, the log ends at {last} (truncated)"]
    if stored != anchor.hash:
        return [f"record {anchor.record_id} differs from the exported head (rewritten)"]
    return []


def _guard_problems(session: Session) -> list[str]:
    found = {
        name: (enabled, trigger, function)
        for name, enabled, trigger, function in session.execute(
            text(
                "SELECT tgname, tgenabled, pg_get_triggerdef(oid), pg_get_functiondef(tgfoid) FROM pg_trigger "
                "WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
            )
        ).all()
    }
    problems = [f"guard trigger {name} is missing" for name in GUARD_TRIGGERS if name not in found]
    problems += [f"guard trigger {name} is disabled" for name in GUARD_TRIGGERS if found.get(name, ("",))[0] == "D"]
    for name, (_, trigger, function) in sorted(found.items()):
        if name in GUARD_DEFINITIONS and definition_hash(trigger) != GUARD_DEFINITIONS[name]:
            problems.append(f"guard trigger {name} was redefined (its definition's hash differs)")
        if name in GUARD_DEFINITIONS and definition_hash(function) != GUARD_FUNCTION:
            problems.append(f"guard trigger {name} runs a function whose body was changed (its hash differs)")
    role = check_role(session.connection())
    if not role.least_privilege:
        problems.append(f"{role.problem()}: it could rewrite the audit log")
    return problems + _append_only_problems(session)


def _append_only_problems(session: Session) -> list[str]:
    """The app role may only read and append the audit log and the policy publications (core.db_roles)."""
    if session.scalar(text("SELECT to_regrole(:r)"), {"r": APP_ROLE}) is None:
        return []
    present = set(session.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
    problems = []
    for table in APPEND_ONLY_TABLES:
        if table not in present:
            continue
        granted = [
            p
            for p in ("UPDATE", "DELETE", "TRUNCATE")
            if session.scalar(text("SELECT has_table_privilege(:r, :t, :p)"), {"r": APP_ROLE, "t": table, "p": p})
        ]
        if granted:
            problems.append(f"the app role {APP_ROLE} may {', '.join(granted)} {table}, which is append-only")
    return problems


def _latest_payloads(session: Session, event: str) -> dict[str | None, dict[str, Any]]:
    """The payload of the latest audit record of `event` for each run."""
    return {
        r.run_id: r.payload
        for r in session.scalars(select(AuditRecord).where(AuditRecord.event == event).order_by(AuditRecord.id))
    }


def _recorded_runs(
    session: Session, column: Any, event: str, missing: str
) -> tuple[list[str], list[tuple[Run, dict[str, Any]]]]:
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
    problems, pairs = _recorded_runs(
        session,
        Run.recommendation,
        "decision_recommended",
        "run {run.id}: recommendation {run.recommendation} has no audit record",
    )
    for run, payload in pairs:
        if payload.get("recommendation") != run.recommendation:
            problems.append(
                f"run {run.id}: runs.recommendation is {run.recommendation} but the audit log "
                f"recorded {payload.get('recommendation')}"
            )
        elif "result_digest" in payload and digest(run.result) != payload["result_digest"]:
            problems.append(f"run {run.id}: the stored decision (reasons, findings) differs from the one recorded")
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
