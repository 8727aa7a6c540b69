"""Running the underwriting pipeline from a page: the cached service, live progress, and the kept result.

The result lives in `st.session_state[RESULT]` so a rerun (a button click) shows it again without
running the pipeline a second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents.events import AgentEvent, RunEvent, RunFinished, RunStarted
from core.errors import DatabaseUnavailable, LoanGraphError
from core.schemas import LoanApplication, application_facts
from dashboard.run_summary import FinalDecision, finished, interrupted
from dashboard.verdict_cards import TITLES, event_line
from dashboard.warmup_status import wait_for_warmup

log = logging.getLogger(__name__)

RESULT = "na_result"


@dataclass
class RunResult:
    """One submission's events, the application as the pipeline saw it (SSN masked), the officer's decision."""

    events: list[RunEvent]
    application: dict[str, Any]
    final: FinalDecision | None = None
    failure: str | None = None  # why the run could not start or finish, for the error message
    run_id: str | None = None


@st.cache_resource(show_spinner="Loading the underwriting pipeline (database, retriever, models)...")
def underwriting_service():
    """The process-wide `UnderwritingService` (agents.service.get_service), built once per server."""
    from agents.service import get_service
    from dashboard import warmup

    warmup.wait()  # the Overview may already be loading it in the background
    return get_service()


def policy_chunks(factory: sessionmaker[Session]) -> int:
    """Chunks in the knowledge base; 0 means the policy corpus has not been ingested."""
    from rag.ingest import corpus_stats

    try:
        with factory() as session:
            return corpus_stats(session=session)["chunks"]
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"the knowledge base could not be read ({type(exc).__name__})") from exc


def status_label(events: list[RunEvent]) -> tuple[str, str]:
    """(label, state) for the status box of a run in progress or done."""
    done, stopped = finished(events), interrupted(events)
    if done is not None:
        return (
            f"Underwriting complete: {done.report.recommendation.replace('_', ' ')} in {done.latency_ms / 1000:.1f} s",
            "complete",
        )
    if stopped is not None:
        return "Underwriting interrupted", "error"
    agents = [e for e in events if isinstance(e, AgentEvent)]
    return (
        f"Underwriting... {TITLES.get(agents[-1].agent, agents[-1].agent)} done" if agents else "Underwriting..."
    ), "running"


def show_event(event: RunEvent) -> None:
    if isinstance(event, RunStarted):
        routes = ", ".join(sorted(set(event.routes.values())))
        st.caption(f"Run `{event.run_id}` · corpus {event.corpus_version} · rules {event.ruleset_version} · {routes}")
    elif isinstance(event, AgentEvent):
        event_line(event)


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, LoanGraphError):
        return f"The underwriting pipeline could not run: {exc}"
    # last line of defence behind validation: a value the database cannot hold is not an outage
    if isinstance(exc, DataError):
        return (
            "The application was not stored: a value is outside what the database can hold "
            "(for example an amount that is far too large). Correct the figures and submit again."
        )
    if isinstance(exc, IntegrityError):
        return (
            "The application was not stored: its application ID is already used by another application. "
            "Leave the ID empty or use a new one."
        )
    return (
        "The database rejected or lost the run "
        f"({type(exc).__name__}). Check that the database is running, then submit again."
    )


def underwrite(app: LoanApplication) -> RunResult:
    """Run the pipeline on a validated application, showing each agent's verdict as it lands."""
    result = RunResult(events=[], application=application_facts(app))
    with st.status("Underwriting...", expanded=True) as status:
        wait_for_warmup(status)  # right after a cold start the pipeline may still be loading in the background
        try:
            for event in underwriting_service().run(app):
                result.events.append(event)
                show_event(event)
                label, state = status_label(result.events)
                status.update(label=label, state=state, expanded=state != "complete")
        except (LoanGraphError, SQLAlchemyError) as exc:
            log.warning("underwriting failed: %s", exc)
            result.failure = _failure_message(exc)
            status.update(label="Underwriting failed", state="error", expanded=True)
    result.run_id = result.events[0].run_id if result.events else None
    if result.run_id:
        st.session_state["last_run_id"] = result.run_id
    st.session_state[RESULT] = result
    return result


def replay(result: RunResult) -> None:
    """The status box of a kept result, collapsed, without running anything."""
    label, state = status_label(result.events)
    if result.failure:
        label, state = "Underwriting failed", "error"
    with st.status(label, state=state, expanded=False):
        for event in result.events:
            show_event(event)


def run_problems(result: RunResult) -> bool:
    """Show why a run did not finish (failure or interruption with its resume command). True if it did not."""
    if result.failure:
        st.error(result.failure)
        return True
    stopped = interrupted(result.events)
    if stopped is not None:
        st.error(stopped.message)
        return True
    if not isinstance(result.events[-1] if result.events else None, RunFinished):
        st.error("The run ended without a decision. Open the Decisions page to inspect what was saved.")
        return True
    return False
