"""The applicant's own application ID, unique: a second use of an ID is refused.

Earlier rows keep their ID in `data`; the backfill gives the column to the first application that used
each ID (later duplicates stay readable but no longer claim it).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE applications ADD COLUMN IF NOT EXISTS application_ref VARCHAR(64)")
    op.execute(
        sa.text("""
        UPDATE applications a SET application_ref = first.ref
        FROM (SELECT DISTINCT ON (data->>'application_id') id, data->>'application_id' AS ref
              FROM applications WHERE data->>'application_id' IS NOT NULL
              ORDER BY data->>'application_id', created_at, id) AS first
        WHERE a.id = first.id AND a.application_ref IS NULL
          AND NOT EXISTS (SELECT 1 FROM applications b WHERE b.application_ref = first.ref)
    """)
    )
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS uq_applications_application_ref ON applications (application_ref)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS uq_applications_application_ref")
    op.execute("ALTER TABLE applications DROP COLUMN IF EXISTS application_ref")
