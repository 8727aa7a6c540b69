"""Evaluation runs (configuration snapshot, aggregate metrics) and their per-question samples.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("dataset", sa.Text, nullable=False),
        sa.Column("n_questions", sa.Integer, nullable=False),
        sa.Column("judge", sa.Text, nullable=False),
        sa.Column("embedding_model", sa.Text, nullable=False),
        sa.Column("config", JSONB, nullable=False),
        sa.Column("corpus_version", sa.String(64)),
        sa.Column("git_commit", sa.String(64)),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("metric_info", JSONB, nullable=False, server_default="{}"),
        sa.Column("latency_s", sa.Float),
    )
    op.create_index("ix_eval_runs_created_at", "eval_runs", ["created_at"])
    op.create_table(
        "eval_samples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "eval_run_id", sa.Integer, sa.ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32)),
        sa.Column("answerable", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("contexts", JSONB, nullable=False, server_default="[]"),
        sa.Column("citations", JSONB, nullable=False, server_default="[]"),
        sa.Column("reference", sa.Text),
        sa.Column("reference_contexts", JSONB, nullable=False, server_default="[]"),
        sa.Column("scores", JSONB, nullable=False, server_default="{}"),
        sa.Column("errors", JSONB, nullable=False, server_default="[]"),
    )


def downgrade() -> None:
    op.drop_table("eval_samples")
    op.drop_index("ix_eval_runs_created_at", table_name="eval_runs")
    op.drop_table("eval_runs")
