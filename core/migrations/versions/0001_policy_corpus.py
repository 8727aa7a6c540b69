"""Policy corpus: documents, pages and chunks with a pgvector HNSW cosine index.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "policy_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.String(255), nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_name", sa.Text, nullable=False),
        sa.Column("version", sa.String(32)),
        sa.Column("effective_date", sa.Date),
        sa.Column("programs", sa.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "policy_pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("policy_documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("page_num", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("document_id", "page_num"),
    )
    op.create_table(
        "policy_chunks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("policy_documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("chunk_index", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("doc_name", sa.Text, nullable=False),
        sa.Column("page_num", sa.Integer, nullable=False),
        sa.Column("page_end", sa.Integer, nullable=False),
        sa.Column("section", sa.Text),
        sa.Column("subsection", sa.Text),
        sa.Column("char_offset", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("programs", sa.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("version", sa.String(32)),
        sa.Column("effective_date", sa.Date),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.UniqueConstraint("document_id", "chunk_index"),
    )
    op.execute("CREATE INDEX ix_policy_chunks_embedding_hnsw ON policy_chunks USING hnsw (embedding vector_cosine_ops)")
    op.execute("CREATE INDEX ix_policy_chunks_programs ON policy_chunks USING gin (programs)")


def downgrade() -> None:
    op.drop_table("policy_chunks")
    op.drop_table("policy_pages")
    op.drop_table("policy_documents")
