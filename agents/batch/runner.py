"""A batch from file to decisions: validate every row first, then underwrite the rows not yet decided.

The batch id is the file's content hash, so running the same file again resumes it: rows whose run
completed are skipped, a run that was cut off is resumed (never started twice), refused rows are
reported with their row number and field.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from agents.batch import store
from agents.batch.engines import Engine
from agents.batch.hmda import HMDA_COLUMNS, Unmappable, is_hmda_header, load_mapping, to_application
from agents.batch.reader import RawRow, csv_header, file_format, read_rows
from agents.batch.refusals import KEEP, Refusals
from agents.batch.rows import clean_monitoring, coerce_csv, required_columns, split_monitoring
from agents.batch.worker import Outcome, Task
from core.errors import InvalidApplication
from core.schemas import validate_application

log = logging.getLogger(__name__)
MAX_REFUSED_LISTED = 50


@dataclass
class Plan:
    """What a run of the batch will do, worked out before anything is underwritten."""

    batch_id: str
    source: str
    total_rows: int
    tasks: list[Task] = field(default_factory=list)
    skipped: int = 0
    refused: Refusals = field(default_factory=Refusals)


def refusals_path(batch_id: str) -> Path:
    """Where a batch's refused rows are written, every one, as JSON Lines (the batch record keeps the first KEEP)."""
    from core.settings import get_settings

    return get_settings().data_dir / "batches" / f"{batch_id}-refused.jsonl"


def detect_source(path: Path) -> str:
    """'hmda' for a HMDA register file, else 'application' (our schema, maybe renamed by a mapping)."""
    return "hmda" if file_format(path) == "csv" and is_hmda_header(csv_header(path)) else "application"


def parse_rows(
    path: Path,
    *,
    source: str,
    mapping: dict[str, str] | None = None,
    limit: int | None = None,
    refusals_file: Path | None = None,
) -> tuple[list[tuple[int, dict[str, Any], dict[str, Any]]], Refusals, int]:
    """(valid rows as (row, application, monitoring), refused rows streamed to `refusals_file`, rows read)."""
    valid: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    refused, total = Refusals(refusals_file), 0
    fmt = file_format(path)
    file_key = store.batch_id_of(path) if source == "hmda" else ""
    required = HMDA_COLUMNS if source == "hmda" else required_columns() if fmt == "csv" else frozenset()
    for raw in read_rows(path, required=required, mapping=mapping):
        if limit is not None and raw.row_number > limit:
            break
        total += 1
        parsed = _parse(raw, source=source, csv_text=fmt == "csv", file_key=file_key)
        if isinstance(parsed, dict):
            refused.add(raw.row_number, parsed)
        else:
            valid.append((raw.row_number, *parsed))
    refused.flush()
    return valid, refused, total


def _parse(
    raw: RawRow, *, source: str, csv_text: bool, file_key: str
) -> tuple[dict[str, Any], dict[str, Any]] | dict[str, str]:
    if raw.errors:
        return raw.errors
    if source == "hmda":
        try:
            mapped = to_application(raw.data, raw.row_number, load_mapping(), file_key=file_key)
        except Unmappable as exc:
            return {exc.field: exc.message}
        application, monitoring = mapped.application, mapped.monitoring
    else:
        application, monitoring = split_monitoring(raw.data)
        application = coerce_csv(application) if csv_text else application
    monitoring, problems = clean_monitoring(monitoring)
    try:
        validate_application(application)
    except InvalidApplication as exc:
        return {**exc.field_errors, **problems}
    except Exception as exc:  # a bug in one row's checks is that row's refusal, never the batch's end
        log.exception("row %s: validation failed unexpectedly", raw.row_number)
        return {"row": f"could not be checked ({type(exc).__name__}); nothing was stored for it"}
    return problems or (application, monitoring)


def plan_batch(
    path: Path,
    *,
    sessions: sessionmaker[Session],
    mapping: dict[str, str] | None = None,
    limit: int | None = None,
    file_name: str | None = None,
) -> Plan:
    """Validate every row, open (or reopen) the batch and give each undecided row its run id.

    `file_name`: the name the batch is listed under (an upload's own name; default the file's)."""
    source, batch_id = detect_source(path), store.batch_id_of(path)
    valid, refused, total = parse_rows(
        path, source=source, mapping=mapping, limit=limit, refusals_file=refusals_path(batch_id)
    )
    plan = Plan(batch_id, source, total, refused=refused)
    with sessions.begin() as session:
        states = store.item_states(session=session, batch_id=plan.batch_id)
        valid = _refuse_taken_ids(valid, states, plan, session)
        store.open_batch(
            session=session,
            batch_id=plan.batch_id,
            file_name=file_name or path.name,
            source=source,
            total_rows=total,
            refused=plan.refused[:KEEP],
        )
        new = [(n, monitoring) for n, _, monitoring in valid if n not in states]
        assigned = store.assign_runs(session=session, batch_id=plan.batch_id, rows=new)
    for n, application, _ in valid:
        state = states.get(n)
        if state is not None and state.run_status == "completed":
            plan.skipped += 1
            continue
        run_id = state.run_id if state is not None else assigned[n]
        plan.tasks.append(Task(n, run_id, application, resume=state is not None and state.run_status is not None))
    return plan


def _refuse_taken_ids(valid: list, states: dict, plan: Plan, session: Session) -> list:
    """Rows not yet assigned whose application ID is already held, or repeated in the file, are refused."""
    fresh = [(n, app) for n, app, _ in valid if n not in states and app.get("application_id")]
    taken = store.taken_application_ids(session=session, ids={app["application_id"] for _, app in fresh})
    seen: set[str] = set()
    refused: dict[int, str] = {}
    for n, app in fresh:
        ref = app["application_id"]
        if ref in taken or ref in seen:
            refused[n] = (
                "is already used by another application: an ID belongs to one application"
                if ref in taken
                else "repeats an earlier row's application ID"
            )
        seen.add(ref)
    for n, message in refused.items():
        plan.refused.add(n, {"application_id": message})
    plan.refused.sort_kept()
    plan.refused.flush()
    return [row for row in valid if row[0] not in refused]


def execute(
    plan: Plan,
    engine: Engine,
    *,
    sessions: sessionmaker[Session],
    on_outcome: Callable[[Outcome], None] = lambda o: None,
) -> dict[str, Any]:
    """Underwrite the plan's tasks; on Ctrl-C stop cleanly (finished runs kept, cut runs resumable)."""
    outcomes: list[Outcome] = []
    started, status = time.perf_counter(), "completed"
    try:
        for outcome in engine.map(iter(plan.tasks)):
            outcomes.append(outcome)
            on_outcome(outcome)
    except KeyboardInterrupt:
        status = "stopped"
        engine.close(cancel=True)
    except Exception as exc:  # the engine itself broke (a worker pool lost a process, a cluster went away)
        log.error("batch %s stopped: %s: %s", plan.batch_id, type(exc).__name__, exc)
        status = "stopped"
        engine.close(cancel=True)
    else:
        engine.close()
    if any(o.status not in ("decided", "refused") for o in outcomes):
        status = "stopped" if status == "stopped" else "incomplete"
    summary = summarise(plan, outcomes, time.perf_counter() - started, status)
    with sessions.begin() as session:
        store.close_batch(session=session, batch_id=plan.batch_id, status=status, summary=summary)
    return summary


def summarise(plan: Plan, outcomes: list[Outcome], seconds: float, status: str) -> dict[str, Any]:
    decided = [o for o in outcomes if o.status == "decided"]
    refused_late = [{"row": o.row_number, "errors": o.errors} for o in outcomes if o.status == "refused"]
    by_program: dict[str, Counter[str]] = defaultdict(Counter)
    for o in decided:
        by_program[o.program][o.recommendation or "?"] += 1
    busy = sum(o.seconds for o in outcomes) or 1e-9
    times = sorted(o.seconds * 1000 for o in decided)
    return {
        "batch_id": plan.batch_id,
        "source": plan.source,
        "status": status,
        "rows": plan.total_rows,
        "decided": len(decided),
        "skipped": plan.skipped,
        "refused": len(plan.refused) + len(refused_late),
        "errors": sum(o.status not in ("decided", "refused") for o in outcomes),
        "decisions": dict(Counter(o.recommendation for o in decided)),
        "by_program": {p: dict(c) for p, c in sorted(by_program.items())},
        "seconds": round(seconds, 2),
        "per_hour": round(len(decided) / seconds * 3600) if seconds > 0 and decided else 0,
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1) if times else None,
        "db_share": round(sum(o.db_seconds for o in outcomes) / busy, 3),
        "worker_peak_rss_mb": round(max((o.worker_peak_rss_mb for o in outcomes), default=0.0)),
        "refused_rows": sorted(plan.refused[:MAX_REFUSED_LISTED] + refused_late, key=lambda r: r["row"])[
            :MAX_REFUSED_LISTED
        ],
        "refused_file": str(plan.refused.path) if plan.refused.path and len(plan.refused) else None,
        "error_rows": [
            {"row": o.row_number, "run_id": o.run_id, "message": o.message}
            for o in outcomes
            if o.status not in ("decided", "refused")
        ][:MAX_REFUSED_LISTED],
    }
