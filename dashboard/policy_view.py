"""The Policy page's sections: the published rulebook and its history, a candidate checked and compared,
its impact on stored runs, and publishing it with an approver (and a reason when gaps are accepted)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.errors import LoanGraphError
from core.settings import PROJECT_ROOT
from dashboard import policy_data as data
from dashboard.policy_diff import rulebook_diff
from policy.publication import PublishedPolicy, PublishRefused

NO_PUBLICATION = "No rulebook is published: every file is referred until one is."
CANDIDATE = "policy_candidate"  # session state: {"rules", "name", "source", "report"}
PUBLISHED_MESSAGE = "policy_published_message"
DIFF_COLUMNS = {"rule_id": "Rule", "change": "Change", "before": "Before", "after": "After"}


def render_published(current: PublishedPolicy | None, publications: list[PublishedPolicy]) -> None:
    st.header("Published rulebook")
    if current is None:
        st.warning(NO_PUBLICATION)
        st.caption("Check a candidate below and publish it with an approver's name.")
        return
    when = f"{current.published_at:%Y-%m-%d %H:%M}" if current.published_at else ""
    st.caption(
        f"Publication {current.id}: **{current.name}**, published by {current.approver} on {when}; "
        f"policy version `{current.policy_version}`, corpus `{current.corpus_version}`."
    )
    frame = data.rules_frame(current)
    cols = st.columns(2)
    programs = cols[0].multiselect("Program", sorted(frame["Program"].unique()), key="policy_programs")
    statuses = cols[1].multiselect("Status", sorted(frame["Status"].unique()), key="policy_statuses")
    st.dataframe(data.filter_rules(frame, programs=programs, statuses=statuses), hide_index=True, width="stretch")
    st.subheader("Publication history")
    st.dataframe(data.history_frame(publications), hide_index=True, width="stretch")


def render_candidate(factory: sessionmaker[Session], current: PublishedPolicy | None) -> None:
    st.header("Candidate")
    upload = st.file_uploader("Upload a rulebook (JSON)", type=["json"], key="policy_upload")
    path = st.selectbox(
        "or a rulebook in the project", data.rulebook_files(), key="policy_path", disabled=upload is not None
    )
    if st.button("Check candidate", key="policy_check", icon=":material/rule:"):
        try:
            rules, name = data.read_rulebook(upload.getvalue() if upload is not None else None, PROJECT_ROOT / path)
            with st.spinner("Checking every rule against the current corpus..."):
                report = data.check(factory, rules)
        except LoanGraphError as exc:
            st.error(f"**The rulebook cannot be checked.** {exc}")
            return
        st.session_state[CANDIDATE] = {
            "rules": rules,
            "name": name,
            "report": report,
            "source": upload.name if upload is not None else path,
        }
    candidate = st.session_state.get(CANDIDATE)
    if candidate is None:
        st.info("Choose a rulebook and press **Check candidate** to see its gaps, diff and impact.")
        return
    report = candidate["report"]
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts().items()))
    st.markdown(f"**{candidate['name']}** ({candidate['source']}): {len(candidate['rules'])} rules; {counts}.")
    if report.passed:
        st.success("Every rule and inventory sentence is verified against the current corpus.")
    else:
        st.warning(
            f"{len(report.gaps) + len(report.missing_sentences)} item(s) not verified: publishing "
            "needs a reason to accept these gaps, and accepts only these (a gap that appears after this "
            "check is refused)."
        )
        st.dataframe(data.gaps_frame(report), hide_index=True, width="stretch")
    _render_diffs(factory, current, candidate["rules"])


def _render_diffs(factory, current: PublishedPolicy | None, rules) -> None:
    st.subheader("Changes from the published rulebook")
    changes = rulebook_diff(current.rules if current else (), rules)
    if not changes:
        st.caption("The candidate's rules are the published rules.")
    else:
        st.dataframe(
            pd.DataFrame([c.__dict__ for c in changes]).rename(columns=DIFF_COLUMNS), hide_index=True, width="stretch"
        )
    for diff in data.version_changes(factory):
        with st.expander(
            f"{diff.document}: version {diff.old_version or '?'} -> {diff.new_version or '?'} "
            f"({len(diff.changes)} obligation sentence(s) changed)"
        ):
            if not diff.changes:
                st.caption("No obligation sentence changed.")
            for c in diff.changes:
                st.markdown(f"- **{c.change}**: " + (f"~~{c.before}~~ " if c.before else "") + (c.after or ""))


def render_impact(factory: sessionmaker[Session]) -> None:
    st.header("Impact on stored runs")
    candidate = st.session_state.get(CANDIDATE)
    if candidate is None:
        st.caption("Check a candidate first.")
        return
    last = st.number_input("Newest completed runs", min_value=1, max_value=1000, value=50, key="policy_last")
    if not st.button("Show impact", key="policy_impact", icon=":material/compare_arrows:"):
        return
    bar = st.progress(0.0, text="Re-deciding stored applications (nothing is stored)...")
    with st.spinner("Deciding each application under the published rulebook and under the candidate..."):
        report = data.impact_of(
            factory,
            candidate["rules"],
            int(last),
            on_progress=lambda done, total: bar.progress(done / total, text=f"{done} of {total}"),
        )
    bar.empty()
    if report is None:
        st.info("No completed runs to re-decide yet: underwrite applications first.")
        return
    st.markdown(f"**{report.decided}** decided, **{report.flipped}** flipped.")
    st.dataframe(data.programs_frame(report), hide_index=True, width="stretch")
    if report.flips:
        st.dataframe(data.flips_frame(report), hide_index=True, width="stretch")
    if report.fairness:
        st.dataframe(pd.DataFrame([g.__dict__ for g in report.fairness]), hide_index=True, width="stretch")
    for error in report.errors:
        st.warning(f"{error['label']} could not be decided: {error['error']}")


def render_publish(factory: sessionmaker[Session]) -> None:
    st.header("Publish")
    if message := st.session_state.pop(PUBLISHED_MESSAGE, None):
        st.success(message)
    candidate = st.session_state.get(CANDIDATE)
    if candidate is None:
        st.caption("Check a candidate first.")
        return
    gaps = not candidate["report"].passed
    name = st.text_input("Name", value=candidate["name"], key="policy_name")
    approver = st.text_input("Approver", key="policy_approver", placeholder="Who makes this the rulebook decisions use")
    reason = st.text_area("Reason to accept the gaps", key="policy_reason") if gaps else None
    if not st.button("Publish", key="policy_publish", type="primary", icon=":material/publish:"):
        return
    if not approver.strip():
        st.error("Enter the approver's name: a publication records who made it.")
        return
    if gaps and not (reason or "").strip():
        st.error("Some items are not verified: give a reason to accept the gaps, or fix the rulebook.")
        return
    try:
        published, _ = data.publish_rulebook(
            factory,
            candidate["rules"],
            approver=approver,
            name=name or "rulebook",
            reason=reason,
            accepted=candidate["report"].gap_ids(),  # the gaps shown above, by name
        )
    except PublishRefused as exc:
        st.error(f"**Publish refused.** {exc}")
        return
    except LoanGraphError as exc:
        st.error(f"**The rulebook was not published.** {exc}")
        return
    st.session_state[PUBLISHED_MESSAGE] = (
        f"Published as publication {published.id} by {published.approver}: policy version "
        f"{published.policy_version}. New runs decide under it."
    )
    st.rerun()
