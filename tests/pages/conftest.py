"""Fixtures shared by the page tests that need real runs: each module names its database in `DB`."""

import pytest

from tests.pages.run_fixtures import clear_caches, point_app_at, underwrite_samples


@pytest.fixture(scope="module")
def run_ids(request, clone_seeded, embedder, settings):
    """Sample applications underwritten in a clone of the seeded database named by the module's DB."""
    engine = clone_seeded(request.module.DB)
    yield underwrite_samples(engine, embedder, settings)
    engine.dispose()


@pytest.fixture
def use_db(monkeypatch, settings):
    """Point the app at a database by name for one test; caches are cleared afterwards."""
    yield lambda name: point_app_at(monkeypatch, settings, name)
    clear_caches()
