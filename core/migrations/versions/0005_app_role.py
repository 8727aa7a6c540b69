"""The least-privilege application role: read-write on working tables, INSERT/SELECT on the audit log.

Tables created later by the migrating role are granted by default privileges; core.db.migrate
also re-runs the grants after every upgrade (tables another role created, new append-only tables).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from core.db_roles import APP_ROLE, ensure_app_role, grant_app_privileges, set_default_privileges

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    ensure_app_role(conn)
    set_default_privileges(conn)
    grant_app_privileges(conn)


def downgrade() -> None:
    conn = op.get_bind()
    set_default_privileges(conn, grant=False)
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
    # The role is cluster-wide: drop it only when no other database still grants it anything.
    op.execute(f"""
        DO $$ BEGIN
            DROP ROLE IF EXISTS {APP_ROLE};
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE '{APP_ROLE} kept: other databases still grant it privileges';
        END $$""")
