"""Migration 0005 and the grant step: tables other migrations add are usable by the app role at once,
the audit log stays INSERT/SELECT only, and the migration is reversible."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core.db import MIGRATIONS_DIR, make_engine, migrate, recreate_database
from core.db_roles import APP_ROLE, app_url
from core.errors import ConfigurationError

pytestmark = pytest.mark.integration
DB = "lg_roles"


@pytest.fixture
def owner(server_url):
    engine = create_engine(recreate_database(server_url, DB), poolclass=NullPool)
    migrate(engine)
    yield engine
    engine.dispose()


def as_app(owner):
    return create_engine(app_url(owner.url.render_as_string(hide_password=False)), poolclass=NullPool)


def privileges(owner, table: str) -> set[str]:
    with owner.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}):
            return set()  # downgraded with no other database using the role: it was dropped
        return {
            p
            for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")
            if conn.scalar(text("SELECT has_table_privilege(:r, :t, :p)"), {"r": APP_ROLE, "t": table, "p": p})
        }


def test_the_app_gets_working_tables_and_only_appends_to_the_audit_log(owner):
    assert privileges(owner, "runs") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert privileges(owner, "checkpoints") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert privileges(owner, "audit_log") == {"SELECT", "INSERT"}
    assert privileges(owner, "alembic_version") == {"SELECT"}


def test_a_table_a_later_migration_creates_is_usable_by_the_app(owner):
    with owner.begin() as conn:  # what 0004/0006/... do, as the migrating owner
        conn.execute(text("CREATE TABLE officer_decisions_probe (id bigserial PRIMARY KEY, note text)"))
    app = as_app(owner)
    with app.begin() as conn:
        conn.execute(text("INSERT INTO officer_decisions_probe (note) VALUES ('ok')"))
        conn.execute(text("UPDATE officer_decisions_probe SET note = 'changed'"))
        assert conn.scalar(text("SELECT note FROM officer_decisions_probe")) == "changed"
    app.dispose()


def test_the_grant_step_covers_tables_another_role_created(owner):
    with owner.begin() as conn:  # a table the default privileges did not cover
        conn.execute(text("CREATE TABLE engine_data_probe (id int)"))
        conn.execute(text(f"REVOKE ALL ON engine_data_probe FROM {APP_ROLE}"))
        conn.execute(text(f"GRANT UPDATE, DELETE ON audit_log TO {APP_ROLE}"))  # a careless manual grant
    assert privileges(owner, "engine_data_probe") == set()
    migrate(owner)  # every upgrade ends with the grant step
    assert privileges(owner, "engine_data_probe") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert privileges(owner, "audit_log") == {"SELECT", "INSERT"}


def test_the_migration_is_reversible(owner):
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    before_0005 = ScriptDirectory.from_config(cfg).get_revision("0005").down_revision
    with owner.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, before_0005)
    assert privileges(owner, "runs") == set()
    migrate(owner)
    assert privileges(owner, "audit_log") == {"SELECT", "INSERT"}
    app = as_app(owner)
    with pytest.raises(DBAPIError, match="permission denied"), app.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    app.dispose()


def test_make_engine_connects_as_the_app_role_and_refuses_a_privileged_one(owner):
    url = owner.url.render_as_string(hide_password=False)
    engine = make_engine(url, app_url=app_url(url))
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == APP_ROLE
    engine.dispose()
    with pytest.raises(ConfigurationError, match="superuser"):
        make_engine(url, app_url=url)  # the owner's URL given as the app's


def test_an_owner_that_cannot_create_the_app_role_gets_one_clear_error(owner, server_url):
    with owner.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS lg_weak_owner"))
        conn.execute(text("CREATE ROLE lg_weak_owner LOGIN NOSUPERUSER NOCREATEROLE"))
    weak = owner.url.set(username="lg_weak_owner").render_as_string(hide_password=False)
    try:
        with pytest.raises(ConfigurationError, match="the database owner cannot migrate or grant"):
            make_engine(weak, app_url=app_url(weak), app_password="secret")
    finally:
        with owner.begin() as conn:
            conn.execute(text("DROP ROLE lg_weak_owner"))
