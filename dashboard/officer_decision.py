"""The loan officer confirms or overrides the recommendation; the stored decision and the downloads.

The panel is keyed to the run it shows: every widget key carries the run id, so a new result starts
with fresh choices (default: its own recommendation) and a decision can only land on the run named
above the form. The re-decision form is keyed to the stored decision it changes too: it starts empty,
and the server is told which decision the officer saw, so a change made on a stale view is refused and
shown in red above the decision now on file. The same panel serves New application and the Decisions work queue.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents.events import summary_json
from agents.officer import DECISIONS, DecisionRefused, OnFile, StoredDecision, decide
from core.errors import LoanGraphError
from dashboard.decision_pdf import decision_pdf
from dashboard.run_summary import FinalDecision, finished, utc_label
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
    return DecisionTarget(
        result.run_id,
        str(result.application.get("applicant_name", "")),
        result.application.get("application_id"),
        done.report.recommendation,
        result.final,
    )


def final_of(stored: StoredDecision) -> FinalDecision:
    return FinalDecision(stored.decision, stored.officer, stored.decided_at.isoformat(), stored.override, stored.reason)


def on_file_final(on_file: OnFile) -> FinalDecision:
    return FinalDecision(
        on_file.decision, on_file.officer, on_file.decided_at.isoformat(), on_file.override, on_file.reason
    )


def _key(name: str, run_id: str) -> str:
    return f"od_{name}_{run_id}"


def form_id(run_id: str, final: FinalDecision | None) -> str:
    """The suffix of a form's widget keys: the run, plus the stored decision a re-decision form changes, so the
    form for a newer decision is a new, empty one."""
    if final is None:
        return run_id
    return f"{run_id}_re_{''.join(ch for ch in final.decided_at if ch.isdigit())}"


def _seen(final: FinalDecision | None) -> datetime | None:
    return datetime.fromisoformat(final.decided_at) if final is not None and final.decided_at else None


def stored_key(run_id: str) -> str:
    """Session key of the decision recorded on `run_id` in this session."""
    return _key("stored", run_id)


def who(target: DecisionTarget) -> str:
    """'Ana Lopez · application BR-7 · run 1a2b3c4d', escaped for Markdown."""
    ref = f" · application {plain(target.application_ref)}" if target.application_ref else ""
    return f"**{plain(target.applicant)}**{ref} · run `{target.run_id[:8]}`"


def _forget(fid: str) -> None:
    """Nothing of a refused or recorded choice stays in a form."""
    for name in ("decision", "reason"):
        st.session_state.pop(_key(name, fid), None)


def _submit(target: DecisionTarget, factory: sessionmaker[Session], seen: FinalDecision | None) -> None:
    """Form callback: record on the server (which re-checks everything, the decision seen included), or keep
    why it was refused and, when the run changed meanwhile, the decision now on file."""
    run_id, fid = target.run_id, form_id(target.run_id, seen)
    st.session_state[_key("error", run_id)] = None
    choice = st.session_state.get(_key("decision", fid)) or ""
    try:
        stored = decide(
            run_id,
            factory=factory,
            redecide=seen is not None,
            seen=_seen(seen),
            final_decision=choice,
            officer=st.session_state.get(_key("officer", fid)) or "",
            reason=st.session_state.get(_key("reason", fid)) or "",
        )
        st.session_state[stored_key(run_id)] = final_of(stored)
        _forget(fid)
    except DecisionRefused as exc:
        st.session_state[_key("error", run_id)] = f"Your decision{_chosen(choice)} was not recorded: {exc}."
        if exc.on_file is not None:  # the run was decided meanwhile: show that one, keep nothing of this choice
            st.session_state[stored_key(run_id)] = on_file_final(exc.on_file)
            st.session_state[_key("error", run_id)] += (
                " Nothing you chose was kept: read the decision on file "
                "and, if it must change, re-decide it with your own reason."
            )
            _forget(fid)
    except LoanGraphError as exc:
        st.session_state[_key("error", run_id)] = f"The decision was not recorded: {exc}."
    except SQLAlchemyError as exc:
        st.session_state[_key("error", run_id)] = (
            f"The decision was not recorded: the database did not accept it "
            f"({type(exc).__name__}). Nothing was saved; try again."
        )


def _chosen(choice: str) -> str:
    return f" ({choice.replace('_', ' ')})" if choice else ""


def stored_decision(final: FinalDecision, target: DecisionTarget, *, refused: bool = False) -> None:
    """The decision on file; after a refused change it is shown as information, not as this officer's success."""
    kind = f"override of {target.recommendation.replace('_', ' ')}" if final.override else "recommendation confirmed"
    text = f"{badge(final.decision)} ({kind}) by **{plain(final.officer)}** at {utc_label(final.decided_at)}."
    if refused:
        st.info(f"Decision on file for {who(target)}: {text}", icon=":material/info:")
    else:
        st.success(f"Final decision recorded for {who(target)}: {text}", icon=":material/verified:")
    if final.reason:
        st.markdown(f"**Officer's reason:** {plain(final.reason)}")


def _form(target: DecisionTarget, factory: sessionmaker[Session], *, changes: FinalDecision | None) -> None:
    """The first-decision form (defaults to the recommendation), or an empty re-decision form for `changes`."""
    rec, fid = target.recommendation, form_id(target.run_id, changes)
    with st.form(_key("form", fid), enter_to_submit=False):
        cols = st.columns([1, 1])
        cols[0].selectbox(
            "New decision" if changes else "Final decision",
            DECISIONS,
            key=_key("decision", fid),
            index=None if changes else DECISIONS.index(rec),
            placeholder="Choose the new decision",
            format_func=lambda d: d.replace("_", " ") + (" (recommended)" if d == rec else ""),
        )
        cols[1].text_input("Officer name", key=_key("officer", fid))
        label = (
            "Reason for the new decision (required, your own words)"
            if changes
            else "Reason (required to override the recommendation)"
        )
        st.text_area(label, key=_key("reason", fid), height=80)
        st.form_submit_button(
            "Record the new decision" if changes else "Record final decision",
            key=_key("record", fid),
            type="primary",
            on_click=_submit,
            args=(target, factory, changes),
        )


def officer_panel(target: DecisionTarget | None, factory: sessionmaker[Session]) -> FinalDecision | None:
    """Confirm (keep the recommendation) or override (another decision with a written reason).

    Returns the final decision when the run has one (recorded now or before).
    """
    if target is None:
        return None
    final = _newest(st.session_state.get(stored_key(target.run_id)), target.final)
    error = st.session_state.get(_key("error", target.run_id))
    with st.container(border=True, key=f"officer-panel-{target.run_id}"):
        st.subheader("Officer decision")
        st.markdown(f"Deciding {who(target)}. Recommendation: {badge(target.recommendation)}")
        if error:  # where the officer looks: above the decision on file, not inside a collapsed form
            st.error(plain(error), icon=":material/block:")
        if final is not None:
            stored_decision(final, target, refused=bool(error))
            with st.expander("Change this decision (a documented re-decision)", icon=":material/history:"):
                st.caption(
                    "Choose the new decision and write why it changes; the reason of the decision "
                    "it replaces is not reused."
                )
                _form(target, factory, changes=final)
            return final
        st.caption("The recommendation is a proposal. Keep it to confirm, or choose another decision and write why.")
        _form(target, factory, changes=None)
    return None


def _newest(mine: FinalDecision | None, loaded: FinalDecision | None) -> FinalDecision | None:
    """The later of the decision this session knows of and the one just read from the database."""
    if mine is None or loaded is None:
        return mine or loaded
    mine_at, loaded_at = _seen(mine), _seen(loaded)
    return mine if mine_at is not None and (loaded_at is None or mine_at >= loaded_at) else loaded


def downloads(result: RunResult) -> None:
    """The decision as JSON (the `python -m agents.run --json` shape plus the officer's decision) and as PDF."""
    if not result.events:
        return
    payload = summary_json(result.events)
    payload["final_decision"] = asdict(result.final) if result.final else None
    stem = f"decision-{(result.run_id or 'run')[:8]}"
    cols = st.columns(2)
    cols[0].download_button(
        "Download decision (JSON)",
        json.dumps(payload, indent=2, default=str),
        f"{stem}.json",
        "application/json",
        key="na_download_json",
        on_click="ignore",
        icon=":material/data_object:",
    )
    cols[1].download_button(
        "Download decision summary (PDF)",
        decision_pdf(result.events, result.application, result.final),
        f"{stem}.pdf",
        "application/pdf",
        key="na_download_pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
