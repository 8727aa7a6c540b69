"""Published policies: the rulebook decisions use, who published it and against which document versions;
each run records the publication and the policy version (rulebook, inventory, reference tables, corpus,
engine) it decided under.

Revision ID: 0020
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0020"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("approver", sa.Text, nullable=False),
        sa.Column("how", sa.String(16), nullable=False),  # published | first_start
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("rulebook", JSONB, nullable=False),  # the rules, as the rulebook file lists them
        sa.Column("rulebook_hash", sa.String(16), nullable=False),
        sa.Column("document_ids", ARRAY(sa.Integer), nullable=False),  # the document versions it is pinned to
        sa.Column("corpus_version", sa.String(16), nullable=False),
        sa.Column("policy_version", sa.String(16), nullable=False),
        sa.Column("checks", JSONB, nullable=False),  # per rule: status, detail, citation (policy.verify)
        sa.Column("accepted_gaps", JSONB, nullable=False, server_default="[]"),
        sa.Column("accept_reason", sa.Text),
    )
    op.add_column(
        "runs", sa.Column("policy_publication_id", sa.Integer, sa.ForeignKey("policy_publications.id"), nullable=True)
    )
    op.add_column("runs", sa.Column("policy_version", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("runs", "policy_version")
    op.drop_column("runs", "policy_publication_id")
    op.drop_table("policy_publications")
