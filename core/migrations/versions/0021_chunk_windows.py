"""Dense windows: extra vectors for the later words of a chunk longer than the encoder reads; a
chunk's context (a table row's caption and column header).

Window 0 of a chunk is its own `policy_chunks.embedding`; windows 1.. live here, each with an HNSW
cosine index, and dense search scores a chunk by its best vector. Existing corpora have no rows
here until re-ingested (the ingest key includes the window settings, so `python -m rag.ingest`
re-embeds them).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("policy_chunks", sa.Column("context", sa.Text))
    op.create_table(
        "policy_chunk_windows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "chunk_id", sa.Integer, sa.ForeignKey("policy_chunks.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("window_index", sa.Integer, nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.UniqueConstraint("chunk_id", "window_index"),
    )
    op.execute(
        "CREATE INDEX ix_policy_chunk_windows_embedding_hnsw ON policy_chunk_windows "
        "USING hnsw (embedding vector_cosine_ops)"
    )


def downgrade() -> None:
    op.drop_table("policy_chunk_windows")
    op.drop_column("policy_chunks", "context")
