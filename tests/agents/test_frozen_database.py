"""Every database wait has a deadline: with the (test session's own, tmp DATA_DIR) embedded server
frozen by SIGSTOP, connections and runs give up within seconds, and the run resumes after SIGCONT."""

from __future__ import annotations

import logging
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from agents.checkpoint import build_checkpointer
from agents.context import AgentContext
from agents.events import RunFinished, RunInterrupted
from agents.graph import build_graph
from core.db import make_engine
from core.db_deadlines import REPLY_MARGIN_S
from core.llm import LLMRouter
from core.settings import Settings
from policy.evidence import EvidenceResolver
from rag.retrieval import Retriever
from rag.retrieval.rerank import NoOpReranker
from tests.agents.support import CutAfter, app

pytestmark = [pytest.mark.integration, pytest.mark.slow]
log = logging.getLogger(__name__)
DB = "lg_frozen"
STATEMENT_S, CONNECT_S = 1.0, 2.0


def server_pids(pg_dir: Path) -> list[int]:
    """The postmaster named in `pg_dir`'s postmaster.pid (checked to serve that dir) and its children."""
    postmaster = int((pg_dir / "postmaster.pid").read_text().split()[0])
    cmdline = Path(f"/proc/{postmaster}/cmdline").read_bytes().split(b"\0")
    assert b"-D" in cmdline and Path(cmdline[cmdline.index(b"-D") + 1].decode()) == pg_dir, "not our server"
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == postmaster]
    return [postmaster, *children]


def _ppid(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


@contextmanager
def frozen(pg_dir: Path):
    pids = server_pids(pg_dir)
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        yield
    finally:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass


@pytest.fixture(scope="module")
def deadline_settings(settings) -> Settings:
    return settings.model_copy(update={"db_statement_timeout_s": STATEMENT_S, "db_connect_timeout_s": CONNECT_S})


def test_a_frozen_server_fails_queries_and_connects_within_the_deadline(
    deadline_settings, server_url, settings, empty_engine
):
    engine = make_engine(
        make_url(server_url).set(database="lg_empty").render_as_string(hide_password=False), settings=deadline_settings
    )
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "10s"
        with frozen(settings.embedded_db_dir):
            started = time.monotonic()
            with pytest.raises(OperationalError), engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            assert time.monotonic() - started < STATEMENT_S + REPLY_MARGIN_S + 2 * CONNECT_S + 5
        with engine.connect() as conn:  # thawed: the pool recovers by itself
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_run_on_a_frozen_server_is_interrupted_within_seconds_then_resumes(
    clone_seeded, server_url, embedder, deadline_settings, settings
):
    clone_seeded(DB).dispose()
    engine = make_engine(
        make_url(server_url).set(database=DB).render_as_string(hide_password=False), settings=deadline_settings
    )
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    retriever = Retriever(session_factory=sessions, embedder=embedder, reranker=NoOpReranker(), settings=settings)
    context = AgentContext(evidence=EvidenceResolver(retriever), router=LLMRouter(settings), session_factory=sessions)
    saver = build_checkpointer(engine.url, deadline_settings)
    service = CutAfter(graph=build_graph(saver), context=context, session_factory=sessions, settings=deadline_settings)
    freeze = frozen(settings.embedded_db_dir)
    froze_at: list[float] = []

    def cut() -> None:
        freeze.__enter__()
        froze_at.append(time.monotonic())

    service.cut, service.cut_after = cut, "intake"
    # in a worker thread, so that without deadlines the test fails (and thaws the server) instead of hanging
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(lambda: list(service.run(app(loan_type="fha"))))
        try:
            events = future.result(timeout=120)
            waited = time.monotonic() - froze_at[0]
        finally:
            freeze.__exit__(None, None, None)
    log.info("frozen database: run reported interrupted %.1f s after SIGSTOP", waited)
    try:
        assert isinstance(events[-1], RunInterrupted) and "resume with" in events[-1].message
        assert waited < 60, f"the frozen database held the run for {waited:.0f} s"
        resumed = list(service.resume(events[0].run_id))
        assert isinstance(resumed[-1], RunFinished)
        assert resumed[-1].report.recommendation == "APPROVE_WITH_CONDITIONS"
    finally:
        saver.conn.close()
        engine.dispose()
