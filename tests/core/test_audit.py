"""Audit log: keyed hash chain over real Postgres, append-only enforced by the database and by the
app role's privileges (the app connects as `loangraph_app`, never as the owner)."""

import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from core.audit import GENESIS, append, record_hash, verify_chain
from core.db_roles import APP_ROLE, check_role

pytestmark = pytest.mark.integration
KEY = b"k" * 32


def test_records_chain_and_verify(empty_db):
    with empty_db() as s:
        first = append(s, event="run_started", payload={"loan_type": "fha"}, run_id="r1", key=KEY)
        second = append(s, event="decision", payload={"decision": "APPROVE", "dti": 41.25}, run_id="r1", key=KEY)
        assert first.prev_hash == GENESIS and second.prev_hash == first.hash
        s.expire_all()
        assert verify_chain(s, key=KEY).ok and verify_chain(s, key=KEY).records == 2


def test_the_chain_is_keyed(empty_db):
    with empty_db() as s:
        record = append(s, event="a", payload={"x": 1}, key=KEY)
        unkeyed = record_hash(GENESIS, run_id=None, event="a", payload={"x": 1}, created_at=record.created_at, key=b"")
        assert record.hash != unkeyed
        assert record.hash != hashlib.sha256(GENESIS.encode()).hexdigest()
        s.expire_all()
        report = verify_chain(s, key=b"another key")
        assert not report.ok and report.first_bad_id == record.id and "audit key" in report.problem


def test_the_app_connects_as_a_least_privilege_role(empty_engine):
    with empty_engine.connect() as conn:
        role = check_role(conn)
    assert role.role == APP_ROLE and role.least_privilege, role


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", "must be owner"),
        ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "must be owner"),
        ("SET session_replication_role = replica", "permission denied"),
        ("DROP TRIGGER audit_log_no_change ON audit_log", "must be owner"),
        ("UPDATE audit_log SET event = 'x'", "permission denied"),
        ("DELETE FROM audit_log", "permission denied"),
        ("TRUNCATE audit_log", "permission denied"),
        ("DROP TABLE audit_log", "must be owner"),
        ("ALTER TABLE runs DISABLE TRIGGER ALL", "must be owner"),
        ("CREATE TABLE sneaky (id int)", "permission denied"),
        ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
    ],
)
def test_the_app_role_cannot_rewrite_the_audit_log(empty_db, statement, refusal):
    with empty_db() as s:
        append(s, event="a", payload={}, key=KEY)
        with pytest.raises(DBAPIError, match=refusal):
            with s.begin_nested():
                s.execute(text(statement))
        s.expire_all()
        assert verify_chain(s, key=KEY).ok


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET event = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"]
)
def test_the_database_refuses_changes_even_to_the_owner(owner_engine, empty_engine, statement):
    with sessionmaker(bind=owner_engine("lg_empty"))() as s:
        append(s, event="a", payload={}, key=KEY)
        with pytest.raises(DBAPIError, match="append-only"):
            with s.begin_nested():
                s.execute(text(statement))
        s.rollback()


def test_tampering_by_the_owner_is_detected(owner_engine, empty_engine):  # empty_engine creates lg_empty
    with sessionmaker(bind=owner_engine("lg_empty"))() as s:
        append(s, event="a", payload={"x": 1}, key=KEY)
        target = append(s, event="b", payload={"decision": "DECLINE"}, key=KEY)
        append(s, event="c", payload={"x": 3}, key=KEY)
        # the owner disables the guard and rewrites history
        s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        s.execute(text('UPDATE audit_log SET payload = \'{"decision": "APPROVE"}\' WHERE id = :i'), {"i": target.id})
        s.expire_all()
        report = verify_chain(s, key=KEY)
        assert not report.ok and report.first_bad_id == target.id
        s.rollback()
