"""The loan officer confirms or overrides the recommendation; the stored decision and the downloads.

The panel is keyed to the run it shows: every widget key carries the run id, so a new result starts
with fresh choices (default: its own recommendation) and a decision can only land on the run named
above the form. The same panel serves New application and the Decisions work queue.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents.officer import DECISIONS, StoredDecision, decide
from agents.run.__main__ import summary_json
from core.errors import LoanGraphError
from dashboard.decision_pdf import decision_pdf
from dashboard.run_summary import FinalDecision, finished
from dashboard.safe_text import plain
from dashboard.underwriting import RunResult
from dashboard.verdict_cards import badge


@dataclass(frozen=True)
class DecisionTarget:
    """The run a decision panel decides, and who it is about."""

    run_id: str
    applicant: str
    application_ref: str | None
    recommendation: str
    final: FinalDecision | None = None


def target_of(result: RunResult) -> DecisionTarget | None:
    """The decision target of a finished New application result (None while it has no recommendation)."""
    done = finished(result.events)
    if done is None or result.run_id is None:
        return None
    return DecisionTarget(result.run_id, str(result.application.get("applicant_name", "")),
                          result.application.get("application_id"), done.report.recommendation, result.final)


def final_of(stored: StoredDecision) -> FinalDecision:
    return FinalDecision(stored.decision, stored.officer, stored.decided_at.isoformat(), stored.override, stored.reason)


def _key(name: str, run_id: str) -> str:
    return f"od_{name}_{run_id}"


def stored_key(run_id: str) -> str:
    """Session key of the decision recorded on `run_id` in this session."""
    return _key("stored", run_id)


def who(target: DecisionTarget) -> str:
    """'Ana Lopez · application BR-7 · run 1a2b3c4d', escaped for Markdown."""
    ref = f" · application {plain(target.application_ref)}" if target.application_ref else ""
    return f"**{plain(target.applicant)}**{ref} · run `{target.run_id[:8]}`"


def _submit(target: DecisionTarget, factory: sessionmaker[Session], redecide: bool) -> None:
    """Form callback: record on the server (which re-checks everything), or keep why it was refused."""
    run_id = target.run_id
    st.session_state[_key("error", run_id)] = None
    try:
        stored = decide(run_id, factory=factory, redecide=redecide,
                        final_decision=st.session_state.get(_key("decision", run_id)) or "",
                        officer=st.session_state.get(_key("officer", run_id)) or "",
                        reason=st.session_state.get(_key("reason", run_id)) or "")
        st.session_state[stored_key(run_id)] = final_of(stored)
    except LoanGraphError as exc:
        st.session_state[_key("error", run_id)] = f"The decision was not recorded: {exc}."
    except SQLAlchemyError as exc:
        st.session_state[_key("error", run_id)] = (f"The decision was not recorded: the database did not accept it "
                                                   f"({type(exc).__name__}). Nothing was saved; try again.")


def stored_decision(final: FinalDecision, target: DecisionTarget) -> None:
    kind = f"override of {target.recommendation.replace('_', ' ')}" if final.override else "recommendation confirmed"
    st.success(f"Final decision recorded for {who(target)}: {badge(final.decision)} ({kind}) by "
               f"**{plain(final.officer)}** at {final.decided_at[:19].replace('T', ' ')} UTC.",
               icon=":material/verified:")
    if final.reason:
        st.markdown(f"**Officer's reason:** {plain(final.reason)}")


def _form(target: DecisionTarget, factory: sessionmaker[Session], *, redecide: bool) -> None:
    run_id, rec = target.run_id, target.recommendation
    if st.session_state.get(_key("error", run_id)):
        st.error(plain(st.session_state[_key("error", run_id)]))
    with st.form(_key("form", run_id), enter_to_submit=False):
        cols = st.columns([1, 1])
        cols[0].selectbox("Final decision", DECISIONS, index=DECISIONS.index(rec), key=_key("decision", run_id),
                          format_func=lambda d: d.replace("_", " ") + (" (recommended)" if d == rec else ""))
        cols[1].text_input("Officer name", key=_key("officer", run_id))
        label = "Reason for the new decision (required)" if redecide else \
            "Reason (required to override the recommendation)"
        st.text_area(label, key=_key("reason", run_id), height=80)
        st.form_submit_button("Record the new decision" if redecide else "Record final decision",
                              key=_key("record", run_id), type="primary", on_click=_submit,
                              args=(target, factory, redecide))


def officer_panel(target: DecisionTarget | None, factory: sessionmaker[Session]) -> FinalDecision | None:
    """Confirm (keep the recommendation) or override (another decision with a written reason).

    Returns the final decision when the run has one (recorded now or before).
    """
    if target is None:
        return None
    final = st.session_state.get(stored_key(target.run_id)) or target.final
    with st.container(border=True, key=f"officer-panel-{target.run_id}"):
        st.subheader("Officer decision")
        st.markdown(f"Deciding {who(target)}. Recommendation: {badge(target.recommendation)}")
        if final is not None:
            stored_decision(final, target)
            with st.expander("Change this decision (a documented re-decision)", icon=":material/history:"):
                _form(target, factory, redecide=True)
            return final
        st.caption("The recommendation is a proposal. Keep it to confirm, or choose another decision and write why.")
        _form(target, factory, redecide=False)
    return None


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
