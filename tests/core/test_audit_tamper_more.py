"""Issue 22, point 8: what the first verifier missed, each done as the owner (or, where it could, the app role)
on a fresh copy of the audited database, and a legitimate re-decision, which must verify."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from agents.officer import decide
from core.audit import default_anchor_dir, default_key
from core.audit.anchor import Anchor, anchor_path, read_anchor, write_anchor
from core.db_roles import app_url
from tests.core.support import AUDIT_TAMPER_DB as DB
from tests.core.support import report_for

pytestmark = pytest.mark.integration


def _app_factory(owner):
    return sessionmaker(
        bind=create_engine(app_url(owner.url.render_as_string(hide_password=False)), poolclass=NullPool),
        expire_on_commit=False,
    )


def change_application_data(conn, runs):
    conn.execute(
        text(
            "UPDATE applications SET data = jsonb_set(data, '{monthly_income}', '\"99999\"') "
            "WHERE id = (SELECT application_id FROM runs WHERE id = :r)"
        ),
        {"r": runs["DECLINE"]},
    )


def change_applicant_name(conn, runs):
    conn.execute(
        text(
            "UPDATE applications SET applicant_name = 'Someone Else' "
            "WHERE id = (SELECT application_id FROM runs WHERE id = :r)"
        ),
        {"r": runs["APPROVE"]},
    )


def null_the_result(conn, runs):
    conn.execute(
        text("UPDATE runs SET recommendation = NULL, result = NULL, status = 'interrupted' WHERE id = :r"),
        {"r": runs["APPROVE"]},
    )


def delete_a_decided_run(conn, runs):
    for table in ("retrieval_traces", "agent_traces"):
        conn.execute(text(f"DELETE FROM {table} WHERE run_id = :r"), {"r": runs["APPROVE"]})
    conn.execute(text("DELETE FROM runs WHERE id = :r"), {"r": runs["APPROVE"]})


def change_decided_by(conn, runs):
    conn.execute(text("UPDATE runs SET decided_by = 'Somebody Else' WHERE id = :r"), {"r": runs["DECLINE"]})


def change_override_reason(conn, runs):
    conn.execute(text("UPDATE runs SET override_reason = 'made up later' WHERE id = :r"), {"r": runs["DECLINE"]})


def null_final_decision(conn, runs):
    conn.execute(text("UPDATE runs SET final_decision = NULL WHERE id = :r"), {"r": runs["DECLINE"]})


def no_op_guard_function(conn, runs):
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RETURN NULL; END $$"
        )
    )


def anchor_of_another_database(conn, runs):
    path = anchor_path(default_anchor_dir(), DB)
    head = read_anchor(path, default_key())
    write_anchor(path, Anchor("lg_some_other_db", head.record_id, head.hash), default_key(), force=True)


def repoint_a_runs_policy(conn, runs):
    conn.execute(text("UPDATE runs SET policy_version = 'ffffffffffffffff' WHERE id = :r"), {"r": runs["DECLINE"]})


def change_a_published_rulebook(conn, runs):
    conn.execute(
        text(
            "UPDATE policy_publications SET rulebook = rulebook - 0 "
            "WHERE id = (SELECT policy_publication_id FROM runs WHERE id = :r)"
        ),
        {"r": runs["DECLINE"]},
    )


def change_a_publications_approver(conn, runs):
    conn.execute(text("UPDATE policy_publications SET approver = 'Somebody Else'"))


def delete_a_publication(conn, runs):
    conn.execute(text("UPDATE runs SET policy_publication_id = NULL"))
    conn.execute(text("DELETE FROM policy_publications"))


def let_the_app_rewrite_publications(conn, runs):
    conn.execute(text("GRANT UPDATE ON policy_publications TO loangraph_app"))


@pytest.mark.parametrize(
    ("tamper", "finding"),
    [
        (change_application_data, "the application it decided on was changed"),
        (change_applicant_name, "the application it decided on was changed"),
        (null_the_result, "its recorded decision was removed from the run"),
        (delete_a_decided_run, "deleted, but its"),
        (change_decided_by, "runs.decided_by differs from the officer's latest recorded decision"),
        (change_override_reason, "runs.override_reason differs from the officer's latest recorded decision"),
        (null_final_decision, "runs.final_decision is None but the officer decided DECLINE"),
        (no_op_guard_function, "runs a function whose body was changed"),
        (anchor_of_another_database, "does not belong to this database"),
        (repoint_a_runs_policy, "runs.policy_version differs from what its run_started record signed"),
        (change_a_published_rulebook, "its stored rulebook is not the one published"),
        (change_a_publications_approver, "approver differs from its policy_published record"),
        (delete_a_publication, "deleted, but its audit record remains"),
        (let_the_app_rewrite_publications, "may UPDATE policy_publications, which is append-only"),
    ],
)
def test_each_tamper_the_first_verifier_missed_is_reported(tampered, tamper, finding):
    owner, runs = tampered
    assert report_for(owner) == ()
    with owner.connect() as conn:
        tamper(conn, runs)
    problems = report_for(owner)
    assert any(finding in p for p in problems), problems


def test_every_break_in_the_chain_is_reported_not_only_the_first(tampered):
    owner, runs = tampered
    with owner.connect() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        ids = conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars().all()
        for record_id in (ids[1], ids[-2]):
            conn.execute(
                text("UPDATE audit_log SET payload = payload || '{\"edited\": true}' WHERE id = :i"), {"i": record_id}
            )
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))
    broken = [p for p in report_for(owner) if p.startswith("chain broken at record")]
    assert broken == [
        f"chain broken at record {i}: hash does not match the record's content under the audit key"
        for i in (ids[1], ids[-2])
    ]


def test_a_re_decision_verifies_and_rolling_it_back_in_the_runs_table_is_reported(tampered):
    owner, runs = tampered
    factory = _app_factory(owner)
    with owner.connect() as conn:  # the decision the officer sees and changes (a stale view would be refused)
        seen = conn.execute(text("SELECT decided_at FROM runs WHERE id = :r"), {"r": runs["DECLINE"]}).scalar_one()
    decide(
        runs["DECLINE"],
        factory=factory,
        final_decision="REFER",
        officer="B. Officer",
        reason="New income evidence arrived after the first decision.",
        redecide=True,
        seen=seen,
    )
    assert report_for(owner) == ()
    with owner.connect() as conn:
        conn.execute(text("UPDATE runs SET final_decision = 'DECLINE' WHERE id = :r"), {"r": runs["DECLINE"]})
    problems = report_for(owner)
    assert f"run {runs['DECLINE']}: runs.final_decision is DECLINE but the officer decided REFER" in problems
    factory.kw["bind"].dispose()
