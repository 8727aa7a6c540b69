"""Resume always works: the database is cut after each agent in turn (and the CLI is killed), and
every resumed run reaches the uninterrupted run's decision with each trace stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from langgraph.checkpoint.postgres import PostgresSaver
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from agents import graph as graph_module
from agents.events import AgentEvent, RunFinished, RunInterrupted
from agents.graph import AGENT_ORDER
from agents.ratio import ratio_engine
from agents.service import UnderwritingService
from core.audit import verify_chain
from core.errors import LoanGraphError
from core.models import AgentTrace, AuditRecord, Run
from core.schemas import application_facts
from core.settings import PROJECT_ROOT
from tests.agents.conftest import SAMPLES, load_sample
from tests.agents.support import CutAfter, app, graph_state, make_service
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
DB = "lg_resume"


resume_engine = seeded_clone(DB)


@pytest.fixture(scope="module")
def switch(server_url):
    """Cuts the database off (no new connections, existing ones terminated) and restores it."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def set_allowed(allowed: bool) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{DB}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d "
                        "AND pid <> pg_backend_pid()"
                    ),
                    {"d": DB},
                )

    yield set_allowed
    set_allowed(True)
    admin.dispose()


@pytest.fixture(scope="module")
def service(resume_engine, embedder, settings, switch) -> CutAfter:
    base = make_service(resume_engine, embedder, settings)
    svc = CutAfter(graph=base.graph, context=base.context, session_factory=base.sessions, settings=settings)
    svc.cut = lambda: switch(False)
    return svc


def stored(engine, run_id: str) -> tuple[str, list[str], int]:
    with sessionmaker(bind=engine)() as s:
        agents = s.scalars(select(AgentTrace.agent).where(AgentTrace.run_id == run_id).order_by(AgentTrace.seq)).all()
        verdict_records = s.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.run_id == run_id, AuditRecord.event == "agent_verdict")
        )
        assert verify_chain(s).ok
        return s.get(Run, run_id).status, list(agents), verdict_records


@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENT_ORDER)
def test_cut_after_each_agent_then_resume_reaches_the_same_decision(agent, service, resume_engine, switch):
    application = app(loan_type="fha")
    baseline = list(service.run(application))[-1]
    assert isinstance(baseline, RunFinished)

    service.cut_after = agent
    try:
        first = list(service.run(application))
    finally:
        switch(True)
    assert isinstance(first[-1], RunInterrupted), f"cut after {agent} was not noticed"
    run_id = first[0].run_id
    before = [e.agent for e in first if isinstance(e, AgentEvent)]
    assert agent in before

    resumed = list(service.resume(run_id))
    assert isinstance(resumed[-1], RunFinished)
    assert resumed[-1].report.recommendation == baseline.report.recommendation
    status, agents, verdict_records = stored(resume_engine, run_id)
    assert status == "completed" and sorted(agents) == sorted(AGENT_ORDER) and verdict_records == 7
    assert agents[: before.index(agent) + 1] == before[: before.index(agent) + 1]  # stored before: kept

    again = list(service.resume(run_id))  # a completed run just reports again, adding nothing
    assert [type(e) for e in again] == [RunFinished] and stored(resume_engine, run_id) == (status, agents, 7)


def test_an_unfinished_run_can_be_marked_failed_and_is_then_never_resumed(service, resume_engine, switch):
    service.cut_after = "ratio"
    try:
        first = list(service.run(app()))
    finally:
        switch(True)
    run_id = first[0].run_id
    service.mark_failed(run_id, "applicant withdrew")
    service.mark_failed(run_id, "applicant withdrew")  # idempotent: one audit record
    with sessionmaker(bind=resume_engine)() as s:
        assert s.get(Run, run_id).status == "failed"
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.run_id == run_id, AuditRecord.event == "run_failed")
            )
            == 1
        )
    with pytest.raises(LoanGraphError, match="marked failed"):
        list(service.resume(run_id))
    finished = list(service.run(app()))[-1]
    with pytest.raises(LoanGraphError, match="completed"):
        service.mark_failed(finished.run_id, "too late")


@pytest.mark.slow
def test_a_killed_cli_resumes_to_the_expected_decision(resume_engine, server_url):
    url = make_url(server_url).set(database=DB).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "TORCH_THREADS": "1"}
    sample = next(p for p in SAMPLES if "conventional_dti_4501_no_comp" in p.name)
    proc = subprocess.Popen(
        [sys.executable, "-m", "agents.run", str(sample)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        run_id = proc.stdout.readline().split()[1]
        for line in proc.stdout:  # wait for a condition: the Ratio agent's line, then kill
            if " ratio " in line:
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert stored(resume_engine, run_id)[0] == "running"  # killed: nobody marked it
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", "--resume", run_id, "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["decision"] == load_sample(sample)[1]["decision"]
    status, agents, verdict_records = stored(resume_engine, run_id)
    assert status == "completed" and sorted(agents) == sorted(AGENT_ORDER) and verdict_records == 7


class TraceLost(UnderwritingService):
    """The outage hits exactly one agent's trace write: its result may be checkpointed, its trace is not."""

    lose: str | None = None

    def _record(self, run_id, agent, update, started):
        if agent == self.lose:
            self.lose = None
            raise OperationalError("INSERT agent_traces", {}, Exception("server closed the connection"))
        return super()._record(run_id, agent, update, started)


@pytest.mark.slow
@pytest.mark.parametrize("agent", ["intake", "compliance", "audit"])
def test_a_lost_trace_write_is_filled_in_on_resume(agent, service, resume_engine):
    svc = TraceLost(
        graph=service.graph, context=service.context, session_factory=service.sessions, settings=service.settings
    )
    svc.lose = agent
    first = list(svc.run(app(loan_type="fha")))
    assert isinstance(first[-1], RunInterrupted)
    resumed = list(svc.resume(first[0].run_id))
    assert isinstance(resumed[-1], RunFinished)
    status, agents, verdict_records = stored(resume_engine, first[0].run_id)
    assert status == "completed" and sorted(agents) == sorted(AGENT_ORDER) and verdict_records == 7


def ratio_agent_before_issue_23(state, ctx):
    """The Ratio agent as it was: its figures only as the verdict's text facts, no typed `ratios`."""
    output = ratio_engine(state, ctx)
    output.extra.clear()
    return output


@pytest.mark.slow
@pytest.mark.parametrize("paused_before", [("ratio",), ("compliance", "policy")], ids=["after-intake", "after-ratio"])
def test_a_run_checkpointed_before_the_state_was_typed_resumes_to_the_same_decision(
    paused_before, monkeypatch, service, resume_engine
):
    """Until issue 23 a checkpoint held the application as a dict of strings and no typed ratio figures: a run
    interrupted then is read through agents.legacy_state and decided as an uninterrupted run is today."""
    application = app(loan_type="fha", monthly_debts=2200)
    baseline = list(service.run(application))[-1]
    started = service.run(application)
    run_id = next(started).run_id
    started.close()  # the run is stored; its graph has not started
    with sessionmaker(bind=resume_engine)() as s:
        run = s.get(Run, run_id)
        pins = dict(
            run_id=run_id,
            corpus_version=run.corpus_version,
            ruleset_version=run.ruleset_version,
            policy_publication_id=run.policy_publication_id,
            policy_version=run.policy_version,
        )
    monkeypatch.setattr(graph_module, "ratio_engine", ratio_agent_before_issue_23)
    old_graph, config = graph_module.build_graph(service.graph.checkpointer), {"configurable": {"thread_id": run_id}}
    list(
        old_graph.stream(
            graph_state(application, **pins), config, context=service.context, interrupt_before=list(paused_before)
        )
    )
    last = "intake" if paused_before == ("ratio",) else "ratio"
    old_graph.update_state(config, {"application": application_facts(application)}, as_node=last)
    saved = PostgresSaver.get_tuple(service.graph.checkpointer, config).checkpoint["channel_values"]  # as stored
    assert isinstance(saved["application"], dict) and "ratios" not in saved

    resumed = list(service.resume(run_id))
    assert isinstance(resumed[-1], RunFinished) and resumed[-1].report == baseline.report
    status, agents, verdict_records = stored(resume_engine, run_id)
    assert status == "completed" and sorted(agents) == sorted(AGENT_ORDER) and verdict_records == 7
