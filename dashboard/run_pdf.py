"""The decision summary PDF of a stored run, offered wherever a run is opened (Decisions, Portfolio), with the
officer's final decision, name and reason as stored now (New application offers it for the run it just made).

The PDF is built from what the run stored: its agents' verdicts (traces), its decision report and the
application as the pipeline saw it (SSN masked), so it reads the same as the one printed right after the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agents.events import AgentEvent, RunEvent, RunFinished, RunStarted
from agents.verdicts import AgentVerdict, DecisionReport
from core.models import AgentTrace, Run
from dashboard.decision_pdf import decision_pdf
from dashboard.run_summary import FinalDecision


@dataclass(frozen=True)
class StoredRun:
    events: list[RunEvent]
    application: dict[str, Any]


def stored_run(factory: sessionmaker[Session], run_id: str) -> StoredRun | None:
    """The events of a completed run rebuilt from its stored traces and report; None if it has no report."""
    with factory() as session:
        run = session.get(Run, run_id)
        if run is None or run.status != "completed" or not run.result:
            return None
        traces = session.scalars(select(AgentTrace).where(AgentTrace.run_id == run_id).order_by(AgentTrace.seq))
        try:
            events: list[RunEvent] = [
                RunStarted(run.id, run.application_id, run.corpus_version or "", run.ruleset_version or "", {})
            ]
            events += [
                AgentEvent(
                    run.id, t.agent, t.seq, AgentVerdict.model_validate(t.verdict), None, (), t.latency_ms or 0.0
                )
                for t in traces
                if t.verdict
            ]
            events.append(
                RunFinished(
                    run.id,
                    DecisionReport.model_validate(run.result),
                    None,
                    run.latency_ms or 0.0,
                    run.tokens_in,
                    run.tokens_out,
                    run.cost_usd,
                )
            )
        except ValidationError:  # a report stored by an older version: no PDF rather than a wrong one
            return None
        return StoredRun(events, dict(run.application.data or {}))


def run_pdf(factory: sessionmaker[Session], run_id: str, final: FinalDecision | None) -> bytes | None:
    stored = stored_run(factory, run_id)
    return decision_pdf(stored.events, stored.application, final) if stored is not None else None


def pdf_download(factory: sessionmaker[Session], run_id: str, final: FinalDecision | None) -> None:
    """A download button for the run's PDF summary, with the final decision on file (or pending)."""
    pdf = run_pdf(factory, run_id, final)
    if pdf is None:
        return
    st.download_button(
        "Download decision summary (PDF)",
        pdf,
        f"decision-{run_id[:8]}.pdf",
        "application/pdf",
        key=f"run-pdf-{run_id}",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
