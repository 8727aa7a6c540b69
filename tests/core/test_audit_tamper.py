"""Each tamper from issue 11, done by the owner (the app role cannot), is reported by the audit check.

Two real runs (an APPROVE and a DECLINE) are written once; every test tampers with its own
template copy of that database, whose exported head is the original's.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from core.audit import GENESIS, append, canonical, default_anchor_dir
from core.audit.anchor import anchor_path
from core.db_roles import app_url
from core.models import AuditRecord
from core.settings import PROJECT_ROOT
from tests.core.support import AUDIT_TAMPER_DB, report_for

pytestmark = pytest.mark.integration
DB = AUDIT_TAMPER_DB


def _rechain_unkeyed(conn, records) -> None:
    """What an attacker without the key can do: recompute the chain with plain SHA-256."""
    prev = GENESIS
    for r in records:
        body = canonical(
            {"run_id": r.run_id, "event": r.event, "payload": r.payload, "created_at": r.created_at.isoformat()}
        )
        new = hashlib.sha256((prev + body).encode()).hexdigest()
        conn.execute(
            text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"), {"p": prev, "h": new, "i": r.id}
        )
        prev = new


def delete_last_records(conn, runs):
    conn.execute(text("SET session_replication_role = replica"))  # the owner may; the app may not
    conn.execute(text("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)"))


def delete_then_keep_appending(conn, runs):
    delete_last_records(conn, runs)
    app = create_engine(app_url(conn.engine.url.render_as_string(hide_password=False)), poolclass=NullPool)
    with sessionmaker(bind=app).begin() as s:  # the app carries on: its new head must not hide the gap
        append(s, event="run_started", payload={"after": "truncation"})
    app.dispose()


def rechain_after_edit(conn, runs):
    conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
    conn.execute(
        text(
            "UPDATE audit_log SET payload = jsonb_set(payload, '{recommendation}', '\"APPROVE\"') "
            "WHERE event = 'decision_recommended' AND run_id = :r"
        ),
        {"r": runs["DECLINE"]},
    )
    conn.execute(text("UPDATE runs SET recommendation = 'APPROVE' WHERE id = :r"), {"r": runs["DECLINE"]})
    with sessionmaker(bind=conn)() as s:
        _rechain_unkeyed(conn, s.scalars(select(AuditRecord).order_by(AuditRecord.id)).all())
    conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))


def change_recommendation(conn, runs):
    conn.execute(text("UPDATE runs SET recommendation = 'APPROVE' WHERE id = :r"), {"r": runs["DECLINE"]})


def change_final_decision(conn, runs):
    conn.execute(text("UPDATE runs SET final_decision = 'APPROVE' WHERE id = :r"), {"r": runs["DECLINE"]})


def edit_reasons(conn, runs):
    conn.execute(
        text("UPDATE runs SET result = jsonb_set(result, '{principal_reasons}', '[]') WHERE id = :r"),
        {"r": runs["DECLINE"]},
    )


def edit_agent_verdict(conn, runs):
    conn.execute(
        text(
            "UPDATE agent_traces SET verdict = jsonb_set(verdict, '{findings}', '[]') "
            "WHERE run_id = :r AND agent = 'policy'"
        ),
        {"r": runs["DECLINE"]},
    )


def disable_guard(conn, runs):
    conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))


def drop_guard(conn, runs):
    conn.execute(text("DROP TRIGGER audit_log_no_truncate ON audit_log"))


def delete_anchor(conn, runs):
    anchor_path(default_anchor_dir(), DB).unlink()


def forge_anchor(conn, runs):
    path = anchor_path(default_anchor_dir(), DB)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "record_id": data["record_id"] - 3}))


@pytest.mark.parametrize(
    ("tamper", "finding"),
    [
        (delete_last_records, "(truncated)"),
        (delete_then_keep_appending, "(truncated)"),
        (rechain_after_edit, "chain broken at record"),
        (change_recommendation, "runs.recommendation is APPROVE but the audit log recorded DECLINE"),
        (change_final_decision, "runs.final_decision is APPROVE but the officer decided DECLINE"),
        (edit_reasons, "the stored decision (reasons, findings) differs"),
        (edit_agent_verdict, "the stored policy verdict differs from its audit record"),
        (disable_guard, "guard trigger audit_log_no_change is disabled"),
        (drop_guard, "guard trigger audit_log_no_truncate is missing"),
        (delete_anchor, "no exported chain head"),
        (forge_anchor, "invalid signature"),
    ],
)
def test_each_tamper_is_reported(tampered, tamper, finding):
    owner, runs = tampered
    assert report_for(owner) == ()
    with owner.connect() as conn:
        tamper(conn, runs)
    problems = report_for(owner)
    assert any(finding in p for p in problems), problems


def _cli(settings) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": DB, "DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "core.audit"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_cli_passes_an_intact_log_and_names_each_finding(tampered, settings):
    owner, runs = tampered
    intact = _cli(settings)
    assert intact.returncode == 0 and "audit log OK" in intact.stdout, intact.stderr
    with owner.connect() as conn:
        delete_last_records(conn, runs)  # the declined run's last records
        conn.execute(text("UPDATE runs SET recommendation = 'DECLINE' WHERE id = :r"), {"r": runs["APPROVE"]})
    broken = _cli(settings)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "TAMPERED" in broken.stderr and "(truncated)" in broken.stderr
    assert f"run {runs['DECLINE']}: the audit verdict has no audit record" in broken.stderr
    assert f"run {runs['APPROVE']}: runs.recommendation is DECLINE but the audit log recorded APPROVE" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_an_operator_can_reanchor_only_a_chain_that_verifies(tampered, settings):
    owner, runs = tampered
    anchor_path(default_anchor_dir(), DB).unlink()
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": DB, "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "core.audit", "--reanchor"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "re-anchored" in done.stdout, done.stderr
    assert report_for(owner) == ()
    with owner.connect() as conn:
        rechain_after_edit(conn, runs)
    refused = subprocess.run(
        [sys.executable, "-m", "core.audit", "--reanchor"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 1 and "not re-anchored" in refused.stderr
