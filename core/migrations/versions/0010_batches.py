"""Batches: a file of applications underwritten together, and one row per line of that file.

Revision ID: 0010
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(32), primary_key=True),  # from the file's content: same file, same batch
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),  # application | hmda
        sa.Column("status", sa.String(16), nullable=False),  # running | completed | stopped
        sa.Column("total_rows", sa.Integer, nullable=False),
        sa.Column("refused", JSONB, nullable=False, server_default="[]"),  # [{row, errors: {field: message}}]
        sa.Column("summary", JSONB, nullable=False, server_default="{}"),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "batch_items",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("batch_id", sa.String(32), sa.ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        # the run this row is decided by; assigned before the run starts, so a row is never decided twice
        sa.Column("run_id", sa.String(36), nullable=False, unique=True),
        # fields kept beside the run and never given to the pipeline (HMDA action taken, race, sex, age)
        sa.Column("monitoring", JSONB, nullable=False, server_default="{}"),
        sa.UniqueConstraint("batch_id", "row_number", name="uq_batch_items_row"),
    )
    op.create_index("ix_batch_items_batch_id", "batch_items", ["batch_id"])


def downgrade() -> None:
    op.drop_table("batch_items")
    op.drop_table("batches")
