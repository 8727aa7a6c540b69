"""Database roles: the owner runs migrations, the app connects as a least-privilege role.

The app role may read and write the working tables but only INSERT and SELECT the audit log,
owns nothing and is no superuser, so its own connection cannot disable, drop or bypass the
audit log's triggers. `grant_app_privileges` runs after every upgrade, so tables that later
migrations add are usable by the app without editing the migration that created the role.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

APP_ROLE = "loangraph_app"
# Tables the app may only append to and read; everything else in `public` is read-write.
APPEND_ONLY_TABLES = ("audit_log", "policy_publications")
# Tables the app may only read (the schema version is the owner's business).
READ_ONLY_TABLES = ("alembic_version",)
_READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"


def ensure_app_role(conn: Connection) -> None:
    """Create the app role if missing (roles are cluster-wide: several databases share it)."""
    conn.execute(
        text(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN duplicate_object THEN NULL;  -- another database's migration made it first
        END $$""")
    )


def set_app_password(conn: Connection, password: str) -> None:
    """Give the app role a password (DATABASE_URL deployments; the embedded server admits only its OS user, by peer)."""
    literal = "'" + password.replace("'", "''") + "'"  # utility statements take no bind parameters
    conn.execute(text(f"ALTER ROLE {APP_ROLE} PASSWORD {literal}"))


def grant_app_privileges(conn: Connection) -> None:
    """Grant the app role what it needs on every table now present; idempotent."""
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}"))
    conn.execute(text(f"GRANT {_READ_WRITE} ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}"))
    present = set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
    for table in APPEND_ONLY_TABLES:
        if table in present:
            conn.execute(text(f"REVOKE ALL ON {table} FROM {APP_ROLE}"))
            conn.execute(text(f"GRANT SELECT, INSERT ON {table} TO {APP_ROLE}"))
    for table in READ_ONLY_TABLES:
        if table in present:
            conn.execute(text(f"REVOKE ALL ON {table} FROM {APP_ROLE}"))
            conn.execute(text(f"GRANT SELECT ON {table} TO {APP_ROLE}"))


def set_default_privileges(conn: Connection, *, grant: bool = True) -> None:
    """Tables and sequences the migrating role creates later are granted to the app role at once."""
    verb, prep = ("GRANT", "TO") if grant else ("REVOKE", "FROM")
    base = "ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public"
    conn.execute(text(f"{base} {verb} {_READ_WRITE} ON TABLES {prep} {APP_ROLE}"))
    conn.execute(text(f"{base} {verb} USAGE, SELECT ON SEQUENCES {prep} {APP_ROLE}"))


def app_url(owner_url: str, *, password: str = "") -> str:
    """The app's URL: the owner's server and database, as the app role."""
    url = make_url(owner_url).set(username=APP_ROLE, password=password or None)
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class RoleCheck:
    """What the connected role could do that the app must not."""

    role: str
    superuser: bool
    bypass_rls: bool
    owns: tuple[str, ...]  # tables it owns, or whose owner's privileges it holds

    @property
    def least_privilege(self) -> bool:
        return not (self.superuser or self.bypass_rls or self.owns)

    def problem(self) -> str:
        parts = [p for p, on in (("is a superuser", self.superuser), ("bypasses row security", self.bypass_rls)) if on]
        if self.owns:
            parts.append(f"owns (or acts as the owner of) {', '.join(self.owns[:5])}")
        return f"database role {self.role!r} " + " and ".join(parts)


def check_role(conn: Connection) -> RoleCheck:
    """Inspect the role this connection runs as."""
    row = conn.execute(
        text("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    owns = conn.scalars(
        text(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
            "AND c.relkind IN ('r', 'p') AND pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY 1"
        )
    ).all()
    return RoleCheck(role=row[0], superuser=row[1], bypass_rls=row[2], owns=tuple(owns))
