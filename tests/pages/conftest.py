"""Fixtures shared by the page tests: the New application page's database, and (for pages that show runs) sample
applications underwritten in a database each module names in `DB`."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from tests.pages import run_fixtures, support


@pytest.fixture(scope="module")
def run_ids(request, clone_seeded, embedder, settings):
    """Sample applications underwritten in a clone of the seeded database named by the module's DB."""
    engine = clone_seeded(request.module.DB)
    yield run_fixtures.underwrite_samples(engine, embedder, settings)
    engine.dispose()


@pytest.fixture
def use_db(monkeypatch, settings):
    """Point the app at a database by name for one test; caches are cleared afterwards."""
    yield lambda name: run_fixtures.point_app_at(monkeypatch, settings, name)
    run_fixtures.clear_caches()


@pytest.fixture(scope="module")
def page_db(clone_seeded, settings):
    """A clone of the seeded database, with the app's settings pointed at it."""
    engine = clone_seeded(support.NEW_APPLICATION_DB)
    with pytest.MonkeyPatch.context() as mp:
        support.point_at(mp, settings, support.NEW_APPLICATION_DB)
        yield sessionmaker(bind=engine, expire_on_commit=False)
    support.clear_caches()
    engine.dispose()
