"""Database access: one engine and one session factory per process.

With no DATABASE_URL we start (or attach to) an embedded PostgreSQL 16 + pgvector under
DATA_DIR/pg via `pgserver`; otherwise we use the URL. Either way that URL is the schema owner's:
it only runs the Alembic migrations, and the app then connects as the least-privilege role
(core.db_roles), which cannot rewrite the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from core import db_roles
from core.db_deadlines import apply_to_engine
from core.errors import ConfigurationError, DatabaseUnavailable
from core.settings import Settings, get_settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 7_252_026  # arbitrary advisory-lock key: one migrator at a time


def start_embedded_server(data_dir: Path) -> str:
    """Start or attach to the embedded server under `data_dir`; return a psycopg URL to it (as the
    owner: migrations and admin only). Stale pid files are repaired first (core.embedded)."""
    from core import embedded

    return embedded.start(data_dir).replace("postgresql://", "postgresql+psycopg://", 1)


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
    except (OperationalError, SQLAlchemyTimeoutError) as exc:  # a frozen or vanished server at start-up
        raise DatabaseUnavailable(
            f"database server not reachable at {url.render_as_string()}: "
            f"{type(getattr(exc, 'orig', exc) or exc).__name__}"
        ) from exc
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
    _forget_audit_anchor(name)
    return url.set(database=name).render_as_string(hide_password=False)


def _forget_audit_anchor(database: str) -> None:
    """A recreated database starts a new audit chain: the old chain's exported head no longer applies
    (left in place, every append would report the new chain as a truncation of the old one)."""
    from core.audit.anchor import anchor_path

    anchor_path(get_settings().audit_anchor_path, database).unlink(missing_ok=True)


def resolve_database_url(settings: Settings) -> str:
    """The owner's URL (migrations only): DATABASE_URL as given, or the embedded server's database."""
    if settings.database_url:
        return settings.database_url
    return ensure_database(start_embedded_server(settings.embedded_db_dir), settings.database_name)


def migrate(engine: Engine, *, app_password: str = "") -> None:
    """As the owner: apply Alembic migrations up to head, create the checkpointer's tables, then
    grant the app role its privileges on every table now present (new ones included)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    _setup_checkpoint_tables(engine)  # outside a transaction: it builds indexes CONCURRENTLY
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        db_roles.grant_app_privileges(conn)
        if app_password:
            db_roles.set_app_password(conn, app_password)


def _setup_checkpoint_tables(engine: Engine) -> None:
    """LangGraph's checkpoint tables are schema too: the owner creates them, the app only uses them."""
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver

    try:
        with PostgresSaver.from_conn_string(
            engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        ) as saver:
            saver.setup()
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"database not reachable at {engine.url.render_as_string()}: {exc}") from exc
    except psycopg.Error as exc:
        raise ConfigurationError(f"the database owner cannot create the checkpoint tables: {str(exc).strip()}") from exc


def _engine(url: str, settings: Settings) -> Engine:
    """An engine on which every wait has a deadline (core.db_deadlines)."""
    # hide_parameters: a DataError must never print the application it was storing
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        hide_parameters=True,
        pool_timeout=settings.db_connect_timeout_s,
    )
    return apply_to_engine(engine, settings)


def make_engine(
    url: str, *, app_url: str | None = None, app_password: str = "", settings: Settings | None = None
) -> Engine:
    """The app's engine: the schema migrated with the owner's `url`, then connected as `app_url`
    (the owner's URL itself when None: tools and benchmarks that own their database)."""
    settings = settings or get_settings()
    engine = _engine(url, settings)
    try:
        migrate(engine, app_password=app_password)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"database not reachable at {make_url(url).render_as_string()}: {exc.orig}") from exc
    except ProgrammingError as exc:  # e.g. an owner without CREATEROLE and no app role made by a DBA
        engine.dispose()
        raise ConfigurationError(f"the database owner cannot migrate or grant: {str(exc.orig).strip()}") from exc
    if app_url is None:
        return engine
    engine.dispose()
    app = _engine(app_url, settings)
    try:
        with app.connect() as conn:
            check = db_roles.check_role(conn)
    except OperationalError as exc:
        app.dispose()
        raise DatabaseUnavailable(
            f"cannot connect as the app role {db_roles.APP_ROLE!r} (set DATABASE_APP_PASSWORD?): {exc.orig}"
        ) from exc
    if not check.least_privilege:
        app.dispose()
        raise ConfigurationError(f"{check.problem()}: the app must connect as a least-privilege role")
    return app


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine (embedded server started on first use)."""
    settings = get_settings()
    owner_url = resolve_database_url(settings)
    password = settings.database_app_password.get_secret_value()
    return make_engine(owner_url, app_url=db_roles.app_url(owner_url, password=password), app_password=password)


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
