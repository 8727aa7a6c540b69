"""Shared fixtures: one embedded PostgreSQL per test session, each test rolled back.

Two databases on that server: `lg_empty` (migrated, nothing in it) and `lg_seeded` (the seed
policy corpus ingested once). Tests never see each other's writes. Engines connect as the app's
least-privilege role, as the app does; `owner_engine` is for tests that tamper on purpose.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from core.db import migrate, recreate_database, start_embedded_server
from core.db_roles import app_url
from core.settings import PROJECT_ROOT, Settings, prepare_process_env
from tests.ordering import parse_order, reorder

SEED_POLICIES = PROJECT_ROOT / "seed_data" / "policies"
_ORDER = pytest.StashKey[tuple[str, int | None]]()

# Hypothesis profiles: "fast" in every `make test` (derandomized: the same cases every run, so CI
# never depends on luck), "thorough" (150) for the property tests, "long" (10,000 cases) via `make fuzz`
# (`pytest --hypothesis-profile=long`). No deadline: the pipeline shares 2 cores with other jobs.
_SLOW_OK = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.function_scoped_fixture,
]
hypothesis_settings.register_profile(
    "fast", max_examples=40, deadline=None, derandomize=True, suppress_health_check=_SLOW_OK
)
hypothesis_settings.register_profile("thorough", max_examples=150, deadline=None, suppress_health_check=_SLOW_OK)
hypothesis_settings.register_profile("long", max_examples=10_000, deadline=None, suppress_health_check=_SLOW_OK)
hypothesis_settings.load_profile("fast")


def pytest_configure(config: pytest.Config) -> None:
    """One audit key and anchor folder for the session, inherited by the CLIs tests start: the
    databases are made afresh each session, so a developer's anchors must not be compared to them.
    A temporary DATA_DIR too: code that reads the settings on its own (a key file, an upload) never
    writes into the checkout's data folder."""
    os.environ["AUDIT_HMAC_KEY"] = "tests-only-" + secrets.token_hex(16)
    os.environ["AUDIT_ANCHOR_DIR"] = tempfile.mkdtemp(prefix="lg-audit-anchors-")
    # what `make distill-base` fetched lives in the checkout's data folder: tests only read it
    os.environ["LG_CHECKOUT_MODELS"] = str(Settings(_env_file=None).model_cache_dir)
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="lg-test-data-")
    try:
        config.stash[_ORDER] = parse_order(config.getoption("--test-order"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--test-order",
        default="given",
        help="given (default), reverse, shuffle or shuffle:SEED: modules as wholes, tests within them "
        "(tests/ordering.py)",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    kind, seed = config.stash[_ORDER]
    return None if kind == "given" else f"test order: {kind}" + (f":{seed}" if seed is not None else "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kind, seed = config.stash[_ORDER]
    modules = {id(item): item.nodeid.partition("::")[0] for item in items}
    items[:] = reorder(items, modules, kind, seed)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("AUDIT_ANCHOR_DIR", ""), ignore_errors=True)
    data_dir = Path(os.environ.pop("DATA_DIR", ""))
    if data_dir.name.startswith("lg-test-data-") and not (data_dir / "pg").exists():  # a server there stops at exit
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    s = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("data"), database_url="")
    prepare_process_env(s)
    return s


@pytest.fixture(scope="session")
def server_url(settings: Settings) -> str:
    return start_embedded_server(settings.embedded_db_dir)


def _fresh_database(server_url: str, name: str, template: str | None = None) -> Engine:
    """Create and migrate database `name` as the owner; return an engine connected as the app role."""
    owner = create_engine(recreate_database(server_url, name, template=template), poolclass=NullPool)
    migrate(owner)
    owner.dispose()
    return create_engine(app_url(owner.url.render_as_string(hide_password=False)), pool_pre_ping=True)


@pytest.fixture(scope="session")
def owner_engine(server_url: str):
    """An engine on database `name` as its owner (superuser): only for tests that tamper on purpose."""

    def make(name: str) -> Engine:
        return create_engine(make_url(server_url).set(database=name), poolclass=NullPool)

    return make


@pytest.fixture(scope="session")
def empty_engine(server_url: str) -> Iterator[Engine]:
    engine = _fresh_database(server_url, "lg_empty")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def embedder(settings: Settings):
    from rag.embeddings import build_embedder

    return build_embedder(settings)


@pytest.fixture(scope="session")
def seeded_engine(server_url: str, embedder, settings: Settings) -> Iterator[Engine]:
    from rag.ingest import ingest_paths

    engine = _fresh_database(server_url, "lg_seeded")
    reports = ingest_paths(
        [SEED_POLICIES], session_factory=sessionmaker(bind=engine), embedder=embedder, settings=settings
    )
    failed = [r.line() for r in reports if r.status == "failed"]
    assert reports and not failed, failed
    from policy.publication import ensure_first_start

    # as `make run` does at first start: our own rulebook, published because its check passes
    assert ensure_first_start(sessionmaker(bind=engine)) is not None, "the seed rulebook does not verify"
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def clone_seeded(server_url: str, seeded_engine: Engine):
    """Make a database that is a copy of `lg_seeded` (template copy: no re-embedding) for tests
    whose writes cannot be rolled back (services, pages, the browser test)."""

    def clone(name: str) -> Engine:
        seeded_engine.dispose()  # a template must have no open connections
        return _fresh_database(server_url, name, template="lg_seeded")

    return clone


def seeded_clone(name: str):
    """A module-scoped fixture: an engine on a fresh copy of `lg_seeded` called `name`, disposed after the module.
    Use as `my_engine = seeded_clone("lg_mine")` in a test module."""

    @pytest.fixture(scope="module")
    def engine(clone_seeded) -> Iterator[Engine]:
        cloned = clone_seeded(name)
        yield cloned
        cloned.dispose()

    return engine


def _rolled_back(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose commits only release savepoints; everything is undone after the test."""
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield sessionmaker(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def empty_db(empty_engine: Engine) -> Iterator[sessionmaker[Session]]:
    yield from _rolled_back(empty_engine)


@pytest.fixture
def seeded_db(seeded_engine: Engine) -> Iterator[sessionmaker[Session]]:
    yield from _rolled_back(seeded_engine)


@pytest.fixture
def tiny_pdf(tmp_path: Path):
    """Write a small, valid multi-page policy-like PDF and return its path."""
    from tests.pdf_factory import write_policy_pdf

    def make(name: str = "tiny.pdf", **kwargs) -> Path:
        return write_policy_pdf(tmp_path / name, **kwargs)

    return make


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy AWS credentials for boto3 against a fake server, and no shared config or instance metadata to
    wander into."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
