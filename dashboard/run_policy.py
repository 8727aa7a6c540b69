"""The policy a run decided under, for an auditor: its publication (id, name, approver, date) and policy
version, and a replay of the run under that publication showing whether the engine decides the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.errors import LoanGraphError
from core.models import Run
from dashboard.safe_text import plain
from policy.publication import get


@dataclass(frozen=True)
class RunPolicy:
    run_id: str
    policy_version: str | None
    corpus_version: str | None
    ruleset_version: str | None
    publication_id: int | None
    name: str | None = None
    approver: str | None = None
    published_at: datetime | None = None


def run_policy(factory: sessionmaker[Session], run_id: str) -> RunPolicy | None:
    with factory() as session:
        run = session.get(Run, run_id)
        if run is None:
            return None
        pub = get(run.policy_publication_id, session=session) if run.policy_publication_id else None
        return RunPolicy(
            run.id,
            run.policy_version,
            run.corpus_version,
            run.ruleset_version,
            run.policy_publication_id,
            pub.name if pub else None,
            pub.approver if pub else None,
            pub.published_at if pub else None,
        )


def describe(policy: RunPolicy) -> str:
    if policy.publication_id is None:
        return f"Decided with no published rulebook (every file is referred) · corpus {policy.corpus_version}."
    when = f"{policy.published_at:%Y-%m-%d %H:%M}" if policy.published_at else "?"
    return (
        f"Policy: publication {policy.publication_id} ({plain(policy.name or '')}), published by "
        f"{plain(policy.approver or '')} on {when} · policy version `{policy.policy_version}` · "
        f"corpus {policy.corpus_version} · rules {policy.ruleset_version}"
    )


def comparison_frame(result) -> pd.DataFrame:
    """Stored and replayed side by side: recommendation, reasons, findings and each Ratio figure."""
    stored, again = result.stored, result.replayed
    rows = [
        ("Recommendation", stored.recommendation, again.recommendation),
        ("Principal reasons", "; ".join(stored.reasons) or "-", "; ".join(again.reasons) or "-"),
        ("Findings", str(len(stored.findings)), str(len(again.findings))),
    ]
    for name in sorted(set(stored.figures) | set(again.figures)):
        rows.append((name, str(stored.figures.get(name, "-")), str(again.figures.get(name, "-"))))
    frame = pd.DataFrame(rows, columns=["", "Stored", "Replayed"])
    frame["Same"] = frame["Stored"] == frame["Replayed"]
    if stored.findings != again.findings:
        frame.loc[frame[""] == "Findings", "Same"] = False
    return frame


def replay_run(factory: sessionmaker[Session], run_id: str):
    from agents.redecide import replay
    from agents.service import get_service

    with factory() as session:
        return replay(run_id, context=get_service().context, session=session)


def render_run_policy(factory: sessionmaker[Session], run_id: str, status: str) -> None:
    try:
        policy = run_policy(factory, run_id)
    except LoanGraphError as exc:
        st.error(f"**The run's policy cannot be read.** {exc}")
        return
    if policy is None:
        return
    st.caption(describe(policy))
    if status != "completed" or not st.button(
        "Replay under this policy", key=f"replay-{run_id}", icon=":material/replay:"
    ):
        return
    try:
        with st.spinner("Deciding the application again under the run's publication (nothing is stored)..."):
            result = replay_run(factory, run_id)
    except LoanGraphError as exc:
        st.error(f"**The run cannot be replayed.** {exc}")
        return
    if result.same:
        st.success("Same decision: the recommendation, reasons, findings and figures match the stored run.")
    else:
        st.error("Different: replayed under its publication, the engine does not decide as the run did.")
    if not result.same_policy:
        st.warning(
            f"The publication's policy version today is {result.current_version}; the run recorded "
            f"{result.policy_version} (engine, tables or inventory changed since)."
        )
    st.dataframe(comparison_frame(result), hide_index=True, width="stretch")
