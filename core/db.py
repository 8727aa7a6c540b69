"""Database access: one engine and one session factory per process.

With no DATABASE_URL we start (or attach to) an embedded PostgreSQL 16 + pgvector under
DATA_DIR/pg via `pgserver`; otherwise we use the URL. The schema comes from Alembic migrations.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.db_deadlines import apply_to_engine
from core.errors import DatabaseUnavailable
from core.settings import Settings, get_settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 7_252_026  # arbitrary advisory-lock key: one migrator at a time


def start_embedded_server(data_dir: Path) -> str:
    """Start or attach to the embedded server under `data_dir`; return a psycopg URL to it."""
    import pgserver  # heavy import (ships the binaries): only when we need it

    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    except Exception as exc:  # pgserver raises plain Exceptions with pg_ctl output
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {data_dir}: {exc}. "
            "If a previous run was killed, remove its pid from .handle_pids.json there."
        ) from exc
    _EMBEDDED_SERVERS.append(server)  # keep a reference: the server stops when the last holder goes
    return server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


_EMBEDDED_SERVERS: list[object] = []


def ensure_database(admin_url: str, name: str) -> str:
    """Create database `name` on the server at `admin_url` if missing; return its URL."""
    url = make_url(admin_url)
    admin = apply_to_engine(create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True), get_settings())
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                log.info("created database %s", name)
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def recreate_database(admin_url: str, name: str, *, template: str | None = None) -> str:
    """Drop database `name` if it exists and create it afresh (a copy of `template` if given).

    For tests and benchmarks that need an isolated database; returns its URL.
    """
    url = make_url(admin_url)
    admin = apply_to_engine(create_engine(url, isolation_level="AUTOCOMMIT"), get_settings())
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def resolve_database_url(settings: Settings) -> str:
    """The URL the app should use: DATABASE_URL as given, or the embedded server's database."""
    if settings.database_url:
        return settings.database_url
    return ensure_database(start_embedded_server(settings.embedded_db_dir), settings.database_name)


def migrate(engine: Engine) -> None:
    """Apply Alembic migrations up to head (creates the pgvector extension and the schema)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    """An engine for `url`, verified reachable and migrated; every wait on it has a deadline."""
    # hide_parameters: a DataError must never print the application it was storing
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True,
                           pool_timeout=(settings or get_settings()).db_connect_timeout_s)
    apply_to_engine(engine, settings or get_settings())
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"database not reachable at {make_url(url).render_as_string()}: {exc.orig}") from exc
    return engine


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine (embedded server started on first use)."""
    return make_engine(resolve_database_url(get_settings()))


@lru_cache(maxsize=1)
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error. Services own this; repositories don't."""
    session = (factory or get_sessionmaker())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
