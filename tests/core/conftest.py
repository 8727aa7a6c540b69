"""Fixtures shared by core tests: LLM clients recorded instead of built, and the audit-tamper databases (two real
runs written once per module, and a fresh owner's copy of them per test)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

import core.llm.router as router_module
from agents.events import RunFinished
from agents.runs import record_officer_decision
from core.audit import default_anchor_dir, default_key
from core.audit.anchor import Anchor, anchor_path, read_anchor, write_anchor
from core.db import recreate_database
from core.settings import Settings
from tests.agents.conftest import SAMPLES, load_sample
from tests.agents.support import make_service
from tests.core.support import AUDIT_BASE_DB, AUDIT_TAMPER_DB


@pytest.fixture
def no_clients(monkeypatch):
    """The providers the router would have built a client for (none is built)."""
    built: list[str] = []

    class Client:
        def __init__(self, provider: str) -> None:
            self.provider, self.model = provider, "fake"

    def build(provider: str, settings: Settings) -> Client:
        built.append(provider)
        return Client(provider)

    monkeypatch.setattr(router_module, "_build_client", build)
    return built


@pytest.fixture(scope="module")
def base_runs(clone_seeded, embedder, settings) -> dict[str, str]:
    """Run one approved and one declined sample on AUDIT_BASE_DB; return {recommendation: run_id}."""
    engine = clone_seeded(AUDIT_BASE_DB)
    service = make_service(engine, embedder, settings)
    runs = {}
    try:
        for name in ("01_conventional_clean_approve", "05_conventional_dti_4501_no_comp_decline"):
            application, _ = load_sample(next(p for p in SAMPLES if p.stem == name))
            done = list(service.run(application))[-1]
            assert isinstance(done, RunFinished)
            runs[done.report.recommendation] = done.run_id
    finally:
        service.graph.checkpointer.conn.close()
        engine.dispose()
    assert set(runs) == {"APPROVE", "DECLINE"}
    with sessionmaker(bind=engine).begin() as s:  # the officer confirms the decline
        record_officer_decision(runs["DECLINE"], session=s, final_decision="DECLINE", officer="A. Officer")
    engine.dispose()
    return runs


@pytest.fixture
def tampered(server_url, base_runs):
    """A fresh copy of AUDIT_BASE_DB (as the owner, for tampering) with the base's exported head."""
    owner_url = recreate_database(server_url, AUDIT_TAMPER_DB, template=AUDIT_BASE_DB)
    key, anchors = default_key(), default_anchor_dir()
    head = read_anchor(anchor_path(anchors, AUDIT_BASE_DB), key)
    assert head is not None
    write_anchor(
        anchor_path(anchors, AUDIT_TAMPER_DB), Anchor(AUDIT_TAMPER_DB, head.record_id, head.hash), key, force=True
    )
    owner = create_engine(owner_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield owner, base_runs
    owner.dispose()
