"""Runs as tables for the decisions page: the searchable run list, its CSV, and one run in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agents.runs import PAGE, RunRow, count_runs, get_run, list_runs
from core.models import AgentTrace, Application, Run
from dashboard.explorer import reading
from dashboard.money_lists import export_columns
from dashboard.run_summary import utc_label
from dashboard.safe_text import csv_cell

# who and what first; the run id (for support and search) last
RUN_COLUMNS = [
    "Applicant",
    "Application ID",
    "Program",
    "Amount",
    "Recommendation",
    "Final decision",
    "Officer",
    "Decided at",
    "Reason",
    "Age",
    "Started",
    "Status",
    "Run total (s)",
    "Cost (USD)",
    "Errors",
    "Run",
]
AGENT_COLUMNS = [
    "Agent",
    "Verdict",
    "Status",
    "Provider",
    "Model",
    "Tokens in",
    "Tokens out",
    "Cost (USD)",
    "Agent time (ms)",
    "Faithfulness",
    "Citations",
]


@dataclass(frozen=True)
class RunPage:
    """The runs a table lists and how many match in all (the table says "500 of 522", never caps silently)."""

    rows: list[RunRow]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


def find_runs(
    factory: sessionmaker[Session],
    *,
    loan_type: str | None,
    decision: str | None,
    search: str,
    awaiting: bool = False,
    limit: int = PAGE,
) -> RunPage:
    filters = {"loan_type": loan_type, "decision": decision, "search": search, "awaiting": awaiting}
    with reading(factory) as session:
        rows = list_runs(session=session, limit=limit, **filters)
        total = len(rows) if len(rows) < limit else count_runs(session=session, **filters)
    return RunPage(rows, total)


def age(started_at: datetime, now: datetime | None = None) -> str:
    """How long ago a run started, as an officer reads a queue: '4 min', '3 h', '2 d'."""
    minutes = max(0, int(((now or datetime.now(UTC)) - started_at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h" if minutes < 48 * 60 else f"{minutes // (24 * 60)} d"


def runs_frame(rows: list[RunRow], now: datetime | None = None) -> pd.DataFrame:
    """One line per run, in the order given, as the decisions table and its CSV show it."""
    data = [
        [
            r.applicant,
            r.application_ref or "",
            r.loan_type,
            r.loan_amount,
            r.recommendation or "",
            r.final_decision or "",
            r.decided_by or "",
            utc_label(r.decided_at),
            r.decision_reason or "",
            age(r.started_at, now),
            r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.status,
            None if r.latency_ms is None else round(r.latency_ms / 1000, 2),
            round(r.cost_usd, 4),
            r.errors,
            r.run_id,
        ]
        for r in rows
    ]
    return pd.DataFrame(data, columns=RUN_COLUMNS)


def export_frame(factory: sessionmaker[Session], frame: pd.DataFrame) -> pd.DataFrame:
    """The table plus, per run, the debts and funds the engine counted and the itemised lists (for the CSV)."""
    ids = frame["Run"].tolist()
    with reading(factory) as session:
        rows = session.execute(
            select(Run.id, Application.data, AgentTrace.verdict)
            .join(Application, Application.id == Run.application_id)
            .outerjoin(AgentTrace, (AgentTrace.run_id == Run.id) & (AgentTrace.agent == "ratio"))
            .where(Run.id.in_(ids))
        ).all()
    money = {r.id: export_columns(r.data or {}, (r.verdict or {}).get("facts") or {}) for r in rows}
    empty = export_columns({}, {})
    extra = pd.DataFrame([money.get(i, {k: "" for k in empty}) for i in ids], columns=list(empty), index=frame.index)
    return pd.concat([frame, extra], axis=1)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark (so Excel on Windows reads "Zoë 王小明" as typed); text cells
    that a spreadsheet would run as a formula are neutralised."""
    return frame.map(csv_cell).to_csv(index=False).encode("utf-8-sig")


@dataclass(frozen=True)
class RunDetail:
    """Everything the decisions page shows about one run, read in one session."""

    run_id: str
    applicant: str
    application_ref: str | None
    loan_type: str
    loan_amount: float
    status: str
    started_at: datetime
    recommendation: str | None
    summary: str
    final_decision: str | None
    override_reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    latency_ms: float | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    errors: tuple[dict[str, Any], ...]
    agents: tuple[AgentTrace, ...]  # detached, fully loaded

    @property
    def overridden(self) -> bool:
        return self.final_decision is not None and self.final_decision != self.recommendation


def _detail(run: Run) -> RunDetail:
    return RunDetail(
        run.id,
        run.application.applicant_name,
        (run.application.data or {}).get("application_id"),
        run.application.loan_type,
        float(run.application.loan_amount),
        run.status,
        run.started_at,
        run.recommendation,
        (run.result or {}).get("summary", ""),
        run.final_decision,
        run.override_reason,
        run.decided_by,
        run.decided_at,
        run.latency_ms,
        run.tokens_in,
        run.tokens_out,
        run.cost_usd,
        tuple(run.errors or ()),
        tuple(run.agent_traces),
    )


def load_run(factory: sessionmaker[Session], run_id: str) -> RunDetail | None:
    with reading(factory) as session:
        run = get_run(run_id, session=session)
        return _detail(run) if run is not None else None


def agents_frame(traces: tuple[AgentTrace, ...]) -> pd.DataFrame:
    """One line per agent in the order they finished."""
    data = [
        [
            t.agent,
            (t.verdict or {}).get("verdict", ""),
            t.status,
            t.provider,
            t.model,
            t.tokens_in,
            t.tokens_out,
            round(t.cost_usd, 4),
            round(t.latency_ms, 1),
            t.faithfulness,
            len(t.citations or []),
        ]
        for t in traces
    ]
    return pd.DataFrame(data, columns=AGENT_COLUMNS)


def models_used(traces: tuple[AgentTrace, ...]) -> dict[str, list[str]]:
    """`provider / model` -> the agents that used it, in run order."""
    used: dict[str, list[str]] = {}
    for t in traces:
        used.setdefault(f"{t.provider} / {t.model}", []).append(t.agent)
    return used
