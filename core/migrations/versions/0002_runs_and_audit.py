"""Applications, pipeline runs, agent and retrieval traces, and the hash-chained audit log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("applicant_name", sa.Text, nullable=False),
        sa.Column("ssn_masked", sa.String(16), nullable=False),
        sa.Column("ssn_hash", sa.String(64), nullable=False, index=True),
        sa.Column("loan_type", sa.String(16), nullable=False),
        sa.Column("loan_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="running"),
        sa.Column("recommendation", sa.String(32)),
        sa.Column("final_decision", sa.String(32)),
        sa.Column("override_reason", sa.Text),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", TS),
        sa.Column("corpus_version", sa.String(64)),
        sa.Column("ruleset_version", sa.String(64)),
        sa.Column("started_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", TS),
        sa.Column("latency_ms", sa.Float),
        sa.Column("tokens_in", sa.Integer, nullable=False, server_default="0"),
        sa.Column("tokens_out", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
        sa.Column("errors", JSONB, nullable=False, server_default="[]"),
        sa.Column("result", JSONB),
    )
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_table(
        "agent_traces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("agent", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tokens_in", sa.Integer, nullable=False, server_default="0"),
        sa.Column("tokens_out", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
        sa.Column("latency_ms", sa.Float, nullable=False, server_default="0"),
        sa.Column("verdict", JSONB, nullable=False),
        sa.Column("citations", JSONB, nullable=False, server_default="[]"),
        sa.Column("faithfulness", sa.Float),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("run_id", "agent"),
    )
    op.create_table(
        "retrieval_traces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("agent", sa.String(32), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("trace", JSONB, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("run_id", sa.String(36), index=True),
        sa.Column("event", sa.String(48), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    # Append-only: the database itself refuses to change or remove an audit record.
    op.execute(
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "retrieval_traces", "agent_traces", "runs", "applications"):
        op.drop_table(table)
