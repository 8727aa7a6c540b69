"""The overview page on a real (embedded) database: first-start ingestion and the empty state."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from tests.conftest import SEED_POLICIES

pytestmark = pytest.mark.integration


@pytest.fixture
def app_env(monkeypatch, settings, tmp_path):
    """Point the app's settings at the test server with a fresh database for each test."""
    from core import db
    from core import settings as settings_mod
    from rag import embeddings

    def use(database: str, policy_dir=None):
        monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("DATABASE_NAME", database)
        monkeypatch.setenv("DATABASE_URL", "")
        if policy_dir is not None:
            monkeypatch.setenv("POLICY_DIR", str(policy_dir))
        for cached in (settings_mod.get_settings, db.get_engine, db.get_sessionmaker, embeddings.get_embedder):
            cached.cache_clear()

    yield use
    from dashboard import resources
    from tests.pages.run_fixtures import clear_caches

    clear_caches()  # also waits for the pipeline the page began loading in the background
    resources.router.clear()


def test_first_start_ingests_the_policy_folder(app_env, tiny_pdf, tmp_path):
    tiny_pdf("only.pdf")
    app_env("lg_app_first_start", policy_dir=tmp_path)
    at = AppTest.from_file(str(PROJECT_ROOT / "pages" / "overview.py"), default_timeout=120).run()
    assert not at.exception
    documents, pages, chunks = (m.value for m in at.metric[3:6])
    assert (documents, pages) == ("1", "3") and int(chunks) >= 3
    assert at.dataframe[0].value["Document"].tolist() == ["Test Program Guide"]
    assert at.dataframe[1].value["Provider / model"].tolist()[0].startswith("offline")
    assert at.metric[0].value == "offline"
    assert any("No decisions yet" in i.value for i in at.info)
    assert at.button(key="try_sample").label.startswith("Try a sample application: ")
    # a guide our rulebook does not verify against is never published without a person: the page says so
    assert any("No published rulebook" in w.value for w in at.warning)


def test_first_start_publishes_our_rulebook_and_says_which(app_env, clone_seeded, owner_engine):
    """The seed corpus with no publication yet (as on a fresh clone): opening the Overview publishes our own
    rulebook (its check passes) and names the publication decisions now follow."""
    from sqlalchemy import text

    clone_seeded("lg_app_first_publish").dispose()
    owner = owner_engine("lg_app_first_publish")
    with owner.begin() as conn:
        conn.execute(text("DELETE FROM policy_publications"))
    app_env("lg_app_first_publish", policy_dir=SEED_POLICIES)
    at = AppTest.from_file(str(PROJECT_ROOT / "pages" / "overview.py"), default_timeout=180).run()
    assert not at.exception
    line = next(c.value for c in at.caption if "Decisions follow publication" in c.value)
    assert "published by LoanGraph first start" in line
    with owner.connect() as conn:
        rows = conn.execute(text("SELECT how, approver FROM policy_publications")).all()
    assert [r.how for r in rows] == ["first_start"]
    assert not any("No published rulebook" in w.value for w in at.warning)


def test_empty_policy_folder_shows_how_to_add_documents(app_env, tmp_path):
    app_env("lg_app_empty", policy_dir=tmp_path)
    at = AppTest.from_file(str(PROJECT_ROOT / "pages" / "overview.py"), default_timeout=120).run()
    assert not at.exception
    assert any("No policy documents yet" in i.value for i in at.info)


def test_unreachable_database_is_explained(monkeypatch, app_env):
    app_env("unused")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    from core import settings as settings_mod

    settings_mod.get_settings.cache_clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "pages" / "overview.py"), default_timeout=60).run()
    assert not at.exception
    assert "knowledge base is not available" in at.error[0].value


def test_a_database_error_no_page_handled_becomes_a_message(app_env, tiny_pdf, tmp_path, monkeypatch):
    """app.py guards every page: a database lost mid-session shows what to do, not a traceback."""
    from sqlalchemy.exc import OperationalError

    tiny_pdf("only.pdf")
    app_env("lg_app_guard", policy_dir=tmp_path)

    def lost(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr("agents.runs.list_runs", lost)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert "The database stopped answering" in at.error[0].value
