"""Append-only, keyed hash chain of audit records: append records and verify the chain.

Each record's hash is HMAC-SHA256(AUDIT_HMAC_KEY, prev_hash + canonical JSON of run_id, event,
payload, created_at). The key lives outside the database (core.audit.keys), so rewriting a record
and re-chaining the rest needs more than database access. The app role may only INSERT and SELECT
the table, whose triggers refuse UPDATE, DELETE and TRUNCATE (migrations 0002, 0005); the newest
committed record is exported as a signed anchor (core.audit.anchor) so truncation shows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from core.audit.anchor import Anchor, anchor_path, read_anchor, write_anchor
from core.models import AuditRecord

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_APPEND_LOCK = 7_252_027  # advisory lock: appends are serialised so the chain never forks


def canonical(obj: Any) -> str:
    """The JSON text a value hashes as: sorted keys, no spaces, ASCII, as JSONB gives it back."""
    return json.dumps(
        json.loads(json.dumps(obj, default=str)), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )


def digest(obj: Any) -> str:
    """SHA-256 of a value's canonical JSON: a record carries the digest of the full decision it logs."""
    return hashlib.sha256(canonical(obj).encode()).hexdigest()


def record_hash(
    prev_hash: str, *, run_id: str | None, event: str, payload: dict[str, Any], created_at: datetime, key: bytes
) -> str:
    body = canonical(
        {"run_id": run_id, "event": event, "payload": payload, "created_at": created_at.astimezone(UTC).isoformat()}
    )
    return hmac.new(key, (prev_hash + body).encode(), hashlib.sha256).hexdigest()


def default_key() -> bytes:
    from core.audit.keys import audit_key
    from core.settings import get_settings

    return audit_key(get_settings())


def default_anchor_dir() -> Path:
    from core.settings import get_settings

    return get_settings().audit_anchor_path


def append(
    session: Session,
    *,
    event: str,
    payload: dict[str, Any],
    run_id: str | None = None,
    key: bytes | None = None,
    anchor_dir: Path | None = None,
) -> AuditRecord:
    """Add one record chained to the latest; the caller's transaction commits it, and the new head
    is exported to the anchor file once that commit succeeds."""
    key = key if key is not None else default_key()
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _APPEND_LOCK})
    prev = session.scalar(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)) or GENESIS
    payload = json.loads(json.dumps(payload, default=str))  # exactly what JSONB will give back
    created_at = datetime.now(UTC)
    record = AuditRecord(
        run_id=run_id,
        event=event,
        payload=payload,
        created_at=created_at,
        prev_hash=prev,
        hash=record_hash(prev, run_id=run_id, event=event, payload=payload, created_at=created_at, key=key),
    )
    session.add(record)
    session.flush()
    if isinstance(session.get_bind(), Connection):
        return record  # joined to a caller's connection (tests): its commit is not ours to see
    path = anchor_path(anchor_dir or default_anchor_dir(), database_name(session))
    if _anchored_record_present(session, path, key):
        _export_on_commit(session, path, record, key)
    else:  # keep the evidence: an anchor the chain no longer reaches must not be moved past
        log.error("audit chain no longer holds the record anchored in %s: run `python -m core.audit`", path)
    return record


def _anchored_record_present(session: Session, path: Path, key: bytes) -> bool:
    try:
        anchor = read_anchor(path, key)
    except ValueError:
        return False
    if anchor is None:
        return True
    if anchor.mismatch(database_name(session), database_identity(session)):
        return False
    stored = session.scalar(select(AuditRecord.hash).where(AuditRecord.id == anchor.record_id))
    return stored is not None and hmac.compare_digest(stored, anchor.hash)


def database_name(session: Session) -> str:
    bind = session.get_bind()
    engine: Any = getattr(bind, "engine", bind)
    return str(engine.url.database)


def database_identity(session: Session) -> str:
    """This database on this server: the cluster's system identifier and the database's OID. A same-named
    database elsewhere (or dropped and created again) has another, so its anchor cannot stand in."""
    row = session.execute(
        text(
            "SELECT (SELECT system_identifier FROM pg_control_system()), "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    ).one()
    return f"{row[0]}:{row[1]}"


def _export_on_commit(session: Session, path: Path, record: AuditRecord, key: bytes) -> None:
    anchor = Anchor(database_name(session), record.id, record.hash, database_identity(session))
    session.info["audit_head"] = (path, anchor, key)
    if session.info.get("audit_listening"):
        return
    session.info["audit_listening"] = True
    sa_event.listen(session, "after_commit", _write_head)
    sa_event.listen(session, "after_rollback", lambda s: s.info.pop("audit_head", None))


def _write_head(session: Session) -> None:
    head = session.info.pop("audit_head", None)
    if head is None:
        return
    path, anchor, key = head
    try:
        write_anchor(path, anchor, key)
    except OSError:  # the record is committed; verification will report the stale anchor
        log.exception("could not export the audit chain head to %s", path)


@dataclass(frozen=True)
class ChainReport:
    records: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""
    head: tuple[int, str] | None = None  # id and hash of the last record checked
    breaks: tuple[tuple[int, str], ...] = ()  # every (record id, problem), in order


def verify_chain(session: Session, *, key: bytes | None = None) -> ChainReport:
    """Recompute every keyed hash in order and report every record that does not match, not only the first.

    After a break the walk goes on from the record's stored hash, so each later edit, deletion or insertion
    is reported on its own (one tamper is one break, not a cascade)."""
    key = key if key is not None else default_key()
    prev, count, head, breaks = GENESIS, 0, None, []
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)).yield_per(500):
        count += 1
        if record.prev_hash != prev:
            breaks.append((record.id, "prev_hash does not match the previous record"))
        expected = record_hash(
            record.prev_hash,
            run_id=record.run_id,
            event=record.event,
            payload=record.payload,
            created_at=record.created_at,
            key=key,
        )
        if not hmac.compare_digest(record.hash, expected):
            breaks.append((record.id, "hash does not match the record's content under the audit key"))
        prev = record.hash
        if not breaks:
            head = (record.id, record.hash)
    if breaks:
        return ChainReport(count, False, breaks[0][0], breaks[0][1], head, tuple(breaks))
    return ChainReport(count, True, head=head)
