"""Append-only, hash-chained audit log: append records and verify the chain.

Each record's hash is sha256(prev_hash + canonical JSON of run_id, event, payload, created_at);
the database refuses UPDATE, DELETE and TRUNCATE on the table (migration 0002).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.models import AuditRecord

GENESIS = "0" * 64
_APPEND_LOCK = 7_252_027  # advisory lock: appends are serialised so the chain never forks


def record_hash(prev_hash: str, *, run_id: str | None, event: str, payload: dict[str, Any], created_at: datetime) -> str:
    body = json.dumps(
        {"run_id": run_id, "event": event, "payload": payload, "created_at": created_at.astimezone(UTC).isoformat()},
        sort_keys=True, separators=(",", ":"), ensure_ascii=True,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append(session: Session, *, event: str, payload: dict[str, Any], run_id: str | None = None) -> AuditRecord:
    """Add one record chained to the latest; the caller's transaction commits it."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _APPEND_LOCK})
    prev = session.scalar(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)) or GENESIS
    payload = json.loads(json.dumps(payload, default=str))  # exactly what JSONB will give back
    created_at = datetime.now(UTC)
    record = AuditRecord(
        run_id=run_id, event=event, payload=payload, created_at=created_at, prev_hash=prev,
        hash=record_hash(prev, run_id=run_id, event=event, payload=payload, created_at=created_at),
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class ChainReport:
    records: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first record that does not match."""
    prev, count = GENESIS, 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)).yield_per(500):
        count += 1
        if record.prev_hash != prev:
            return ChainReport(count, False, record.id, "prev_hash does not match the previous record")
        expected = record_hash(prev, run_id=record.run_id, event=record.event, payload=record.payload,
                               created_at=record.created_at)
        if record.hash != expected:
            return ChainReport(count, False, record.id, "hash does not match the record's content")
        prev = record.hash
    return ChainReport(count, True)
