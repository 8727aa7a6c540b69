"""Helpers for page tests that need real runs: a clone of the seeded database, underwritten samples on it,
and the app's settings and caches pointed at a given database."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from agents.events import RunStarted
from agents.runs import record_officer_decision
from tests.agents.conftest import SAMPLES, load_sample
from tests.agents.support import make_service
from tests.conftest import SEED_POLICIES

# (sample file prefix, expected recommendation); Maribel Okafor, Lucinda Ferreira-Holt, Dominique Hargreave
RUN_SAMPLES = (("01_", "APPROVE"), ("05_", "DECLINE"), ("24_", "APPROVE_WITH_CONDITIONS"))


def underwrite_samples(engine: Engine, embedder, settings) -> dict[str, str]:
    """Run the sample applications in RUN_SAMPLES; returns applicant name -> run id.

    The DECLINE is then overridden to REFER by an officer, so the page has a final decision to show.
    """
    service = make_service(engine, embedder, settings)
    run_ids = {}
    for prefix, _expected in RUN_SAMPLES:
        application, _ = load_sample(next(p for p in SAMPLES if p.name.startswith(prefix)))
        events = list(service.run(application))
        assert isinstance(events[0], RunStarted)
        run_ids[application.applicant_name] = events[0].run_id
    with sessionmaker(bind=engine).begin() as session:
        record_officer_decision(
            run_ids["Lucinda Ferreira-Holt"],
            session=session,
            final_decision="REFER",
            officer="R. Alvarez",
            reason="Verified a pending raise; refer for manual review.",
        )
    return run_ids


def point_app_at(monkeypatch, settings, database: str, policy_dir=SEED_POLICIES) -> None:
    """Settings from the environment naming `database` on the test server; every cached resource rebuilt."""
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_NAME", database)
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("POLICY_DIR", str(policy_dir))
    clear_caches()


def clear_caches() -> None:
    """Every cached resource a page uses (settings, engine, sessions, embedder, retriever, service), rebuilt
    on next use."""
    from agents import service
    from core import db
    from core import settings as settings_mod
    from dashboard import explorer, pdf_preview, resources, underwriting, warmup
    from rag import embeddings
    from rag.retrieval import pipeline

    warmup.reset()  # a background load started by the Overview finishes before its caches are cleared
    service.close_service()
    for cached in (
        settings_mod.get_settings,
        db.get_engine,
        db.get_sessionmaker,
        embeddings.get_embedder,
        pipeline.get_retriever,
    ):
        cached.cache_clear()
    # the pages' service too: the one it holds was just closed (its pool would refuse the next test's runs)
    for st_cached in (
        resources.session_factory,
        resources.embedder,
        explorer.retriever,
        pdf_preview.cached_preview,
        underwriting.underwriting_service,
    ):
        st_cached.clear()
