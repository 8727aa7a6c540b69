"""Officer decisions: confirm or override with a reason, kept in the audit trail."""

import pytest

from agents.runs import list_runs, record_officer_decision
from core.audit import verify_chain
from core.errors import LoanGraphError
from core.models import Application, AuditRecord, Run

pytestmark = pytest.mark.integration


@pytest.fixture
def completed_run(empty_db):
    with empty_db() as s:
        s.add(
            Application(
                id="a1",
                applicant_name="Ana Lopez",
                ssn_masked="***-**-0001",
                ssn_hash="0" * 64,
                loan_type="fha",
                loan_amount=250000,
                data={},
            )
        )
        s.flush()
        s.add(Run(id="r1", application_id="a1", status="completed", recommendation="REFER", errors=[]))
        s.commit()
    return empty_db


def test_confirm_keeps_recommendation_and_final_decision(completed_run):
    with completed_run() as s:
        record_officer_decision("r1", session=s, final_decision="REFER", officer="J. Park")
        s.commit()
        run = s.get(Run, "r1")
        assert (run.recommendation, run.final_decision, run.decided_by) == ("REFER", "REFER", "J. Park")
        (event,) = [r for r in s.query(AuditRecord).all() if r.event == "officer_decision"]
        assert event.payload["override"] is False and verify_chain(s).ok


def test_override_needs_a_written_reason(completed_run):
    with completed_run() as s:
        with pytest.raises(LoanGraphError, match="written reason"):
            record_officer_decision("r1", session=s, final_decision="APPROVE", officer="J. Park", reason="ok")
        record_officer_decision(
            "r1",
            session=s,
            final_decision="APPROVE",
            officer="J. Park",
            reason="Residual income verified at 140% of the VA table.",
        )
        s.commit()
        run = s.get(Run, "r1")
        assert (run.recommendation, run.final_decision) == ("REFER", "APPROVE")
        assert run.override_reason.startswith("Residual income")
        assert list_runs(session=s)[0].final_decision == "APPROVE"


def test_unknown_run_or_decision_is_refused(completed_run):
    with completed_run() as s:
        with pytest.raises(LoanGraphError):
            record_officer_decision("nope", session=s, final_decision="REFER", officer="x")
        with pytest.raises(LoanGraphError, match="one of"):
            record_officer_decision("r1", session=s, final_decision="MAYBE", officer="x")
