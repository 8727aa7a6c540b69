"""Batch bookkeeping: the batch row, its items (row -> run) and what is already decided.

Repository functions take `*, session` and never commit. The truth about a row is its run:
decided means the run's status is "completed"; the item only says which run decides the row.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AgentTrace, Application, Batch, BatchItem, Run


def batch_id_of(path: Path) -> str:
    """The batch's identity: a hash of the file's bytes, so the same file resumes the same batch."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class ItemState:
    run_id: str
    run_status: str | None  # None: the run was assigned but never started


def open_batch(
    *, session: Session, batch_id: str, file_name: str, source: str, total_rows: int, refused: list[dict[str, Any]]
) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        batch = Batch(
            id=batch_id,
            file_name=file_name,
            source=source,
            status="running",
            total_rows=total_rows,
            refused=refused,
            summary={},
        )
        session.add(batch)
    else:
        batch.status, batch.refused, batch.updated_at = "running", refused, datetime.now(UTC)
    return batch


def item_states(*, session: Session, batch_id: str) -> dict[int, ItemState]:
    rows = session.execute(
        select(BatchItem.row_number, BatchItem.run_id, Run.status)
        .outerjoin(Run, Run.id == BatchItem.run_id)
        .where(BatchItem.batch_id == batch_id)
    ).all()
    return {n: ItemState(run_id, status) for n, run_id, status in rows}


def assign_runs(*, session: Session, batch_id: str, rows: list[tuple[int, dict[str, Any]]]) -> dict[int, str]:
    """Give each (row_number, monitoring) a run id before its run starts; returns row -> run id."""
    assigned = {}
    for row_number, monitoring in rows:
        run_id = str(uuid.uuid4())
        session.add(BatchItem(batch_id=batch_id, row_number=row_number, run_id=run_id, monitoring=monitoring))
        assigned[row_number] = run_id
    return assigned


def taken_application_ids(*, session: Session, ids: set[str]) -> set[str]:
    """Which of these application IDs an application already holds (an ID belongs to one application)."""
    if not ids:
        return set()
    return set(session.scalars(select(Application.application_ref).where(Application.application_ref.in_(ids))))


def close_batch(*, session: Session, batch_id: str, status: str, summary: dict[str, Any]) -> None:
    batch = session.get(Batch, batch_id)
    batch.status, batch.summary, batch.updated_at = status, summary, datetime.now(UTC)


def list_batches(*, session: Session, limit: int = 50) -> list[Batch]:
    return list(session.scalars(select(Batch).order_by(Batch.updated_at.desc()).limit(limit)))


def batch_results(*, session: Session, batch_id: str) -> list[dict[str, Any]]:
    """One dict per row: run, program, recommendation, its principal reasons ([{reason, rule_id, ...}]),
    ratios and the monitoring fields beside it."""
    rows = session.execute(
        select(
            BatchItem.row_number,
            BatchItem.run_id,
            BatchItem.monitoring,
            Run.status,
            Run.recommendation,
            AgentTrace.verdict,
            Application.loan_type,
            Application.loan_amount,
            Run.result["principal_reasons"].label("reasons"),
        )
        .join(Run, Run.id == BatchItem.run_id)
        .join(Application, Application.id == Run.application_id)
        .outerjoin(AgentTrace, (AgentTrace.run_id == Run.id) & (AgentTrace.agent == "ratio"))
        .where(BatchItem.batch_id == batch_id)
        .order_by(BatchItem.row_number)
    ).all()
    return [
        {
            "row": r.row_number,
            "run_id": r.run_id,
            "status": r.status,
            "recommendation": r.recommendation,
            "program": r.loan_type,
            "loan_amount": float(r.loan_amount),
            "reasons": r.reasons or [],
            **_ratios(r.verdict),
            **{f"monitoring.{k}": v for k, v in (r.monitoring or {}).items()},
        }
        for r in rows
    ]


def _ratios(ratio_verdict: dict[str, Any] | None) -> dict[str, Any]:
    ratios = (ratio_verdict or {}).get("facts") or {}
    return {"dti": _float(ratios.get("back_end_dti")), "ltv": _float(ratios.get("ltv"))}


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
