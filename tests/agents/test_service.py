"""The service on its own database: persistence, the audit chain, PII, and resume after an outage."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import sessionmaker

from agents.events import AgentEvent, RunFinished, RunInterrupted, RunStarted
from core.audit import verify_chain
from core.models import AgentTrace, Application, RetrievalTraceRecord, Run
from core.settings import PROJECT_ROOT
from policy.evidence import EvidenceResolver
from tests.agents.conftest import SAMPLES, load_sample
from tests.agents.support import app, make_service
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
DB = "lg_service"


service_engine = seeded_clone(DB)


@pytest.fixture(scope="module")
def service(service_engine, embedder, settings):
    return make_service(service_engine, embedder, settings)


def test_a_run_streams_each_agent_and_saves_everything(service, service_engine):
    events = list(service.run(app(monthly_debts=1800, loan_amount=380000)))
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunFinished)
    agents = [e.agent for e in events if isinstance(e, AgentEvent)]
    assert agents[:2] == ["intake", "ratio"] and agents[-3:] == ["underwriting", "decision", "audit"]
    assert sorted(agents[2:4]) == ["compliance", "policy"]
    run_id = events[0].run_id
    with sessionmaker(bind=service_engine)() as s:
        run = s.get(Run, run_id)
        assert (run.status, run.recommendation) == ("completed", "DECLINE")
        assert run.corpus_version == events[0].corpus_version and run.ruleset_version
        traces = s.scalars(select(AgentTrace).where(AgentTrace.run_id == run_id).order_by(AgentTrace.seq)).all()
        assert [t.agent for t in traces] == agents and traces[3].faithfulness == 1.0
        assert s.scalar(select(RetrievalTraceRecord).where(RetrievalTraceRecord.run_id == run_id)).trace["stages"]
        assert verify_chain(s).ok


def test_the_ssn_is_stored_only_masked_and_hashed(service, service_engine):
    events = list(service.run(app(ssn="900-55-1234")))
    with service_engine.connect() as conn:
        for table in (
            "applications",
            "runs",
            "agent_traces",
            "retrieval_traces",
            "audit_log",
            "checkpoints",
            "checkpoint_writes",
            "checkpoint_blobs",
        ):
            dump = conn.execute(text(f"SELECT string_agg(t::text, ' ') FROM {table} t")).scalar() or ""
            assert "900551234" not in dump.replace("-", ""), table
    with sessionmaker(bind=service_engine)() as s:
        stored = s.get(Application, s.get(Run, events[0].run_id).application_id)
        assert stored.ssn_masked == "***-**-1234" and len(stored.ssn_hash) == 64


class OutageResolver(EvidenceResolver):
    """Cuts the database off the first time the Policy agent looks up a rule."""

    outage = None

    def resolve(self, rule_id, *, publication):
        if rule_id.endswith("min_credit_score") and OutageResolver.outage is not None:
            cut, OutageResolver.outage = OutageResolver.outage, None
            cut()
        return super().resolve(rule_id, publication=publication)


def test_database_outage_mid_run_then_resume_loses_nothing(service_engine, server_url, embedder, settings):
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def cut() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{DB}" WITH ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d "
                    "AND pid <> pg_backend_pid()"
                ),
                {"d": DB},
            )

    service = make_service(service_engine, embedder, settings, OutageResolver)
    OutageResolver.outage = cut
    try:
        first = list(service.run(app(loan_type="fha")))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{DB}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
    assert isinstance(first[-1], RunInterrupted) and "resume with" in first[-1].message
    run_id = first[0].run_id
    before = [e.agent for e in first if isinstance(e, AgentEvent)]
    assert before[:2] == ["intake", "ratio"] and "decision" not in before

    resumed = list(service.resume(run_id))
    assert isinstance(resumed[-1], RunFinished)
    assert resumed[-1].report.recommendation == "APPROVE_WITH_CONDITIONS"
    with sessionmaker(bind=service_engine)() as s:
        agents = s.scalars(select(AgentTrace.agent).where(AgentTrace.run_id == run_id).order_by(AgentTrace.seq)).all()
        assert agents[: len(before)] == before  # saved before the outage, kept, not duplicated
        assert sorted(agents) == sorted(set(agents)) and len(agents) == 7
        assert s.get(Run, run_id).status == "completed" and verify_chain(s).ok


def test_cli_prints_json_summary_and_refuses_invalid_input(settings, tmp_path, service_engine):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": DB, "DATABASE_URL": ""}
    sample = next(p for p in SAMPLES if "conventional_dti_4501_no_comp" in p.name)
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", str(sample), "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"run_id", "decision", "reasons", "conditions", "citations", "agents", "errors"}
    assert out["decision"] == load_sample(sample)[1]["decision"] and len(out["agents"]) == 7
    bad = tmp_path / "bad.json"
    form_1003 = {
        "liabilities": [{"kind": "auto_loan", "monthly_payment": 300, "balance": -1, "months_remaining": -2}],
        "assets": [{"kind": "gift", "value": 5000}],
        "apr": -0.5,
        "county_fips": "99999",
    }
    bad.write_text(
        json.dumps({**json.loads(sample.read_text())["application"], "credit_score": 900, "ssn": "12", **form_1003})
    )
    with sessionmaker(bind=service_engine)() as s:
        stored = s.scalar(select(func.count()).select_from(Application))
    refused = subprocess.run(
        [sys.executable, "-m", "agents.run", str(bad)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 2
    assert (
        "credit_score: must be between 300 and 850" in refused.stderr and "ssn: must be in the format" in refused.stderr
    )
    for message in (
        "liabilities.0.balance: must not be negative",
        "liabilities.0.months_remaining: must not be negative",
        "assets.0.donor: is required for a gift",
        "apr: must not be negative",
        "county_fips: is not a known county",
    ):
        assert message in refused.stderr
    with sessionmaker(bind=service_engine)() as s:
        assert s.scalar(select(func.count()).select_from(Application)) == stored  # nothing stored
