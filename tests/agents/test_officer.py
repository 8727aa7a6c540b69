"""The officer's decision service: server-side checks, one transaction with the audit record, re-decisions."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from agents.officer import DecisionRefused, decide
from agents.runs import application_ref_owner, list_runs
from core.audit import verify_chain
from core.models import Application, AuditRecord, Run

pytestmark = pytest.mark.integration


def _app(s, app_id: str, name: str, ref: str | None = None) -> None:
    s.add(
        Application(
            id=app_id,
            applicant_name=name,
            ssn_masked="***-**-0001",
            ssn_hash="0" * 64,
            loan_type="fha",
            loan_amount=250000,
            data={"application_id": ref} if ref else {},
            application_ref=ref,
        )
    )
    s.flush()


@pytest.fixture
def runs(empty_db):
    with empty_db() as s:
        _app(s, "a1", "Ana Lopez", "BR-1")
        s.add(Run(id="done", application_id="a1", status="completed", recommendation="REFER", errors=[]))
        s.add(Run(id="busy", application_id="a1", status="running", errors=[]))
        s.commit()
    return empty_db


def audit_count(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(AuditRecord))


@pytest.mark.parametrize(
    ("run_id", "message"), [("nope", "run nope does not exist"), ("busy", "run busy is not finished")]
)
def test_unknown_or_unfinished_runs_are_refused_and_nothing_is_written(runs, run_id, message):
    before = audit_count(runs)
    with pytest.raises(DecisionRefused, match=message):
        decide(run_id, factory=runs, final_decision="REFER", officer="J. Park")
    assert audit_count(runs) == before


def test_a_decision_names_the_applicant_in_its_audit_record_and_a_second_one_is_refused(runs):
    stored = decide("done", factory=runs, final_decision="REFER", officer="J. Park")
    assert (stored.applicant, stored.application_ref, stored.override) == ("Ana Lopez", "BR-1", False)
    before = audit_count(runs)
    with pytest.raises(DecisionRefused, match=r"already decided \(REFER by J. Park"):
        decide(
            "done",
            factory=runs,
            final_decision="APPROVE",
            officer="K. Lee",
            reason="Second officer disagrees with the first.",
        )
    assert audit_count(runs) == before
    with runs() as s:
        run = s.get(Run, "done")
        assert (run.final_decision, run.decided_by) == ("REFER", "J. Park")
        (record,) = s.scalars(select(AuditRecord).where(AuditRecord.event == "officer_decision"))
        assert (record.run_id, record.payload["applicant"], record.payload["application_id"]) == (
            "done",
            "Ana Lopez",
            "BR-1",
        )


def test_a_redecision_needs_a_reason_and_keeps_the_previous_decision_in_the_audit_log(runs):
    first = decide("done", factory=runs, final_decision="REFER", officer="J. Park")
    with pytest.raises(DecisionRefused, match="re-decision needs a written reason"):
        decide("done", factory=runs, final_decision="APPROVE", officer="K. Lee", redecide=True, seen=first.decided_at)
    stored = decide(
        "done",
        factory=runs,
        final_decision="APPROVE",
        officer="K. Lee",
        redecide=True,
        seen=first.decided_at,
        reason="Verified the missing pay stubs; the file now qualifies.",
    )
    assert (stored.decision, stored.redecided_from, stored.override) == ("APPROVE", "REFER", True)
    with runs() as s:
        (record,) = s.scalars(select(AuditRecord).where(AuditRecord.event == "officer_redecision"))
        assert record.payload["previous_decision"] == "REFER" and verify_chain(s).ok


def test_redeciding_an_undecided_run_is_refused(runs):
    with pytest.raises(DecisionRefused, match="no decision yet"):
        decide(
            "done",
            factory=runs,
            final_decision="APPROVE",
            officer="K. Lee",
            redecide=True,
            reason="Nothing to change here at all.",
        )


def test_the_work_queue_lists_completed_undecided_runs_and_search_finds_the_application_id(runs):
    with runs() as s:
        assert [r.run_id for r in list_runs(session=s, awaiting=True)] == ["done"]
        assert [r.application_ref for r in list_runs(session=s, search="br-1")] == ["BR-1", "BR-1"]
    decide("done", factory=runs, final_decision="REFER", officer="J. Park")
    with runs() as s:
        assert list_runs(session=s, awaiting=True) == []


def test_an_application_id_belongs_to_one_application(runs):
    with runs() as s:
        assert application_ref_owner("BR-1", session=s) == "Ana Lopez"
        assert application_ref_owner("BR-2", session=s) is None
        with pytest.raises(IntegrityError):
            _app(s, "a2", "Ben Ode", "BR-1")


def test_a_redecision_repeating_the_previous_reason_is_refused(runs):
    """Bug: a re-decision silently reused the previous decision's reason (issue 21, point 1)."""
    first = decide(
        "done",
        factory=runs,
        final_decision="DECLINE",
        officer="J. Park",
        reason="Income could not be verified from the file.",
    )
    before = audit_count(runs)
    with pytest.raises(DecisionRefused, match="needs its own reason"):
        decide(
            "done",
            factory=runs,
            final_decision="APPROVE",
            officer="J. Park",
            redecide=True,
            seen=first.decided_at,
            reason="  income could not be verified from the  file. ",
        )
    assert audit_count(runs) == before
    with runs() as s:
        assert s.get(Run, "done").final_decision == "DECLINE"


def test_a_redecision_on_a_stale_view_is_refused_with_what_is_stored_now(runs):
    """Bug: two officers re-deciding one run: the second silently overwrote the first (issue 21, point 2)."""
    first = decide(
        "done",
        factory=runs,
        final_decision="APPROVE",
        officer="Jordan Reyes",
        reason="Compensating reserves of twelve months.",
    )
    tab_a = decide(
        "done",
        factory=runs,
        final_decision="REFER",
        officer="Officer A",
        redecide=True,
        seen=first.decided_at,
        reason="Reserves are a gift, not the borrower's own.",
    )
    before = audit_count(runs)
    with pytest.raises(DecisionRefused, match=r"re-decided meanwhile: it is now REFER by Officer A") as refused:
        decide(
            "done",
            factory=runs,
            final_decision="DECLINE",
            officer="Officer B",
            redecide=True,
            seen=first.decided_at,
            reason="Tab B still shows the APPROVE; it must not land.",
        )
    assert (refused.value.on_file.decision, refused.value.on_file.officer) == ("REFER", "Officer A")
    assert refused.value.on_file.decided_at == tab_a.decided_at
    with pytest.raises(DecisionRefused, match="must name the decision it changes"):
        decide(
            "done",
            factory=runs,
            final_decision="DECLINE",
            officer="Officer B",
            redecide=True,
            reason="No view named: refused as well.",
        )
    assert audit_count(runs) == before
    with runs() as s:
        run = s.get(Run, "done")
        assert (run.final_decision, run.decided_by) == ("REFER", "Officer A")


def test_a_first_decision_on_a_stale_view_is_refused_with_what_is_stored_now(runs):
    decide(
        "done",
        factory=runs,
        final_decision="DECLINE",
        officer="Officer A",
        reason="Declined: the file shows a recent foreclosure.",
    )
    with pytest.raises(DecisionRefused, match="already decided") as refused:
        decide(
            "done",
            factory=runs,
            final_decision="APPROVE",
            officer="Officer B",
            reason="Approve: tab B never saw the decline.",
        )
    assert (refused.value.on_file.decision, refused.value.on_file.officer) == ("DECLINE", "Officer A")


def test_recent_decisions_are_runs_an_officer_decided_not_every_run(runs):
    """Bug: the Overview's "Recent decisions" listed runs, decided or not (issue 21, point 18)."""
    with runs() as s:
        assert list_runs(session=s, decided=True) == []
    decide("done", factory=runs, final_decision="REFER", officer="J. Park")
    with runs() as s:
        (row,) = list_runs(session=s, decided=True)
        assert (row.run_id, row.final_decision, row.decided_by) == ("done", "REFER", "J. Park")
        assert row.decided_at is not None


def test_a_decision_stored_without_a_time_can_be_redecided_once_from_the_view_that_shows_it(runs):
    """A run whose decision was stored without a decided-at time (written before times were kept, or by hand)
    is shown with no time, so the panel names none (seen=None). That view matches what is stored: the
    re-decision is taken, not refused forever as "must name the decision it changes"; a second officer on the
    same time-less view is then refused, since the run now carries the first re-decision's time."""
    with runs() as s:
        run = s.get(Run, "done")
        run.final_decision, run.decided_by, run.override_reason, run.decided_at = "REFER", "Legacy", None, None
        s.commit()
    stored = decide(
        "done",
        factory=runs,
        final_decision="APPROVE",
        officer="K. Lee",
        redecide=True,
        seen=None,
        reason="Pay stubs verified; the file now qualifies.",
    )
    assert (stored.decision, stored.redecided_from) == ("APPROVE", "REFER")
    with pytest.raises(DecisionRefused, match="must name the decision it changes") as refused:
        decide(
            "done",
            factory=runs,
            final_decision="DECLINE",
            officer="J. Park",
            redecide=True,
            seen=None,
            reason="Second officer on the same stale view.",
        )
    assert (refused.value.on_file.decision, refused.value.on_file.officer) == ("APPROVE", "K. Lee")
