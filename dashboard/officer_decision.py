"""The loan officer confirms or overrides the recommendation; the stored decision and the downloads."""

from __future__ import annotations

import json
from dataclasses import asdict

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents.run.__main__ import summary_json
from agents.runs import DECISIONS, get_run, record_officer_decision
from core.db import session_scope
from core.errors import LoanGraphError
from dashboard.decision_pdf import decision_pdf
from dashboard.run_summary import FinalDecision, finished
from dashboard.underwriting import RunResult
from dashboard.verdict_cards import badge, md

ERROR = "na_officer_error"  # why the last attempt to record was refused


def record(run_id: str, *, factory: sessionmaker[Session], decision: str, officer: str, reason: str) -> FinalDecision:
    """Store the officer's decision (one unit of work) and read it back as stored."""
    with session_scope(factory) as session:
        record_officer_decision(run_id, session=session, final_decision=decision, officer=officer, reason=reason)
    with factory() as session:
        run = get_run(run_id, session=session)
        if run is None or run.final_decision is None:
            raise LoanGraphError(f"the decision on run {run_id} was not stored")
        return FinalDecision(run.final_decision, run.decided_by or "", run.decided_at.isoformat() if run.decided_at else "",
                             run.final_decision != run.recommendation, run.override_reason or "")


def _submit(result: RunResult, factory: sessionmaker[Session]) -> None:
    """Form callback: record, or leave the reason it was refused for the panel to show."""
    st.session_state[ERROR] = None
    try:
        result.final = record(result.run_id, factory=factory, decision=st.session_state.get("na_final_decision", ""),
                              officer=st.session_state.get("na_officer", ""),
                              reason=st.session_state.get("na_decision_reason", ""))
    except LoanGraphError as exc:
        st.session_state[ERROR] = f"The decision was not recorded: {exc}."
    except SQLAlchemyError as exc:
        st.session_state[ERROR] = (f"The decision was not recorded: the database is not reachable "
                                   f"({type(exc).__name__}). Try again.")


def stored_decision(final: FinalDecision, recommendation: str) -> None:
    kind = f"override of {recommendation.replace('_', ' ')}" if final.override else "recommendation confirmed"
    st.success(f"Final decision recorded: {badge(final.decision)} ({kind}) by **{md(final.officer)}** "
               f"at {final.decided_at[:19].replace('T', ' ')} UTC.", icon=":material/verified:")
    if final.reason:
        st.markdown(f"**Officer's reason:** {md(final.reason)}")


def officer_panel(result: RunResult, factory: sessionmaker[Session]) -> None:
    """Confirm (keep the recommendation) or override (another decision with a written reason)."""
    done = finished(result.events)
    if done is None or result.run_id is None:
        return
    recommendation = done.report.recommendation
    st.subheader("Officer decision")
    if result.final is not None:
        stored_decision(result.final, recommendation)
        return
    st.caption("The recommendation is a proposal. Keep it to confirm, or choose another decision and write why.")
    if st.session_state.get(ERROR):
        st.error(md(st.session_state[ERROR]))
    with st.form("na_officer_form"):
        cols = st.columns([1, 1])
        cols[0].selectbox("Final decision", DECISIONS, index=DECISIONS.index(recommendation), key="na_final_decision",
                          format_func=lambda d: d.replace("_", " ") + (" (recommended)" if d == recommendation else ""))
        cols[1].text_input("Officer name", key="na_officer")
        st.text_area("Reason (required to override the recommendation)", key="na_decision_reason", height=80)
        st.form_submit_button("Record final decision", key="na_record_decision", type="primary",
                              on_click=_submit, args=(result, factory))


def downloads(result: RunResult) -> None:
    """The decision as JSON (the `python -m agents.run --json` shape plus the officer's decision) and as PDF."""
    if not result.events:
        return
    payload = summary_json(result.events)
    payload["final_decision"] = asdict(result.final) if result.final else None
    stem = f"decision-{(result.run_id or 'run')[:8]}"
    cols = st.columns(2)
    cols[0].download_button("Download decision (JSON)", json.dumps(payload, indent=2, default=str), f"{stem}.json",
                            "application/json", key="na_download_json", on_click="ignore", icon=":material/data_object:")
    cols[1].download_button("Download decision summary (PDF)", decision_pdf(result.events, result.application, result.final),
                            f"{stem}.pdf", "application/pdf", key="na_download_pdf", on_click="ignore",
                            icon=":material/picture_as_pdf:")
