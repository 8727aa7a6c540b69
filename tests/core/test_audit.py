"""Audit log: hash chain over real Postgres, append-only enforced by the database."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.audit import GENESIS, append, verify_chain

pytestmark = pytest.mark.integration


def test_records_chain_and_verify(empty_db):
    with empty_db() as s:
        first = append(s, event="run_started", payload={"loan_type": "fha"}, run_id="r1")
        second = append(s, event="decision", payload={"decision": "APPROVE", "dti": 41.25}, run_id="r1")
        assert first.prev_hash == GENESIS and second.prev_hash == first.hash
        s.expire_all()
        assert verify_chain(s).ok and verify_chain(s).records == 2


def test_tampering_is_detected(empty_db):
    with empty_db() as s:
        append(s, event="a", payload={"x": 1})
        target = append(s, event="b", payload={"decision": "DECLINE"})
        append(s, event="c", payload={"x": 3})
        # a privileged user disables the guard and rewrites history
        s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        s.execute(text("UPDATE audit_log SET payload = '{\"decision\": \"APPROVE\"}' WHERE id = :i"), {"i": target.id})
        s.expire_all()
        report = verify_chain(s)
        assert not report.ok and report.first_bad_id == target.id


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET event = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"])
def test_database_refuses_changes(empty_db, statement):
    with empty_db() as s:
        append(s, event="a", payload={})
        with pytest.raises(DBAPIError, match="append-only"):
            with s.begin_nested():
                s.execute(text(statement))
