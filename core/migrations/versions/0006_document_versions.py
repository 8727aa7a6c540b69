"""Document identity and versions: superseded documents and chunks stay; contents/index pages flagged.

A document's identity (`doc_key`) comes from its own title and programs, not its file name, so
`file_name` is no longer unique. A changed document adds a version and marks the previous one
superseded (`superseded_at`), at most one current version per identity. Chunks carry
`valid_from`/`superseded_at` so retrieval can filter to the current corpus or to any past moment.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE policy_documents DROP CONSTRAINT IF EXISTS policy_documents_file_name_key")
    op.execute("ALTER TABLE policy_documents ADD COLUMN IF NOT EXISTS doc_key TEXT")
    op.execute("ALTER TABLE policy_documents ADD COLUMN IF NOT EXISTS superseded_at TIMESTAMPTZ")
    op.execute(
        "UPDATE policy_documents SET doc_key = lower(regexp_replace(doc_name, '\\s+', ' ', 'g')) || '|' || "
        "array_to_string(ARRAY(SELECT unnest(programs) ORDER BY 1), ',') WHERE doc_key IS NULL"
    )
    op.execute("ALTER TABLE policy_documents ALTER COLUMN doc_key SET NOT NULL")
    op.execute("CREATE INDEX IF NOT EXISTS ix_policy_documents_file_name ON policy_documents (file_name)")
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_policy_documents_current ON policy_documents (doc_key) "
        "WHERE superseded_at IS NULL"
    )
    op.execute("ALTER TABLE policy_pages ADD COLUMN IF NOT EXISTS kind VARCHAR(16) NOT NULL DEFAULT 'body'")
    op.execute("ALTER TABLE policy_chunks ADD COLUMN IF NOT EXISTS valid_from TIMESTAMPTZ NOT NULL DEFAULT now()")
    op.execute("ALTER TABLE policy_chunks ADD COLUMN IF NOT EXISTS superseded_at TIMESTAMPTZ")
    op.execute(
        "UPDATE policy_chunks c SET valid_from = d.ingested_at FROM policy_documents d WHERE d.id = c.document_id"
    )
    op.execute("CREATE INDEX IF NOT EXISTS ix_policy_chunks_current ON policy_chunks (id) WHERE superseded_at IS NULL")


def downgrade() -> None:
    # the old schema has no versions: superseded documents (and their chunks, by cascade) go
    op.execute("DELETE FROM policy_documents WHERE superseded_at IS NOT NULL")
    op.execute("DROP INDEX IF EXISTS ix_policy_chunks_current")
    op.execute("ALTER TABLE policy_chunks DROP COLUMN IF EXISTS superseded_at")
    op.execute("ALTER TABLE policy_chunks DROP COLUMN IF EXISTS valid_from")
    op.execute("ALTER TABLE policy_pages DROP COLUMN IF EXISTS kind")
    op.execute("DROP INDEX IF EXISTS ux_policy_documents_current")
    op.execute("DROP INDEX IF EXISTS ix_policy_documents_file_name")
    op.execute("ALTER TABLE policy_documents DROP COLUMN IF EXISTS superseded_at")
    op.execute("ALTER TABLE policy_documents DROP COLUMN IF EXISTS doc_key")
    # fails loudly if two current documents share a file name: resolve by hand before downgrading
    op.execute("ALTER TABLE policy_documents ADD CONSTRAINT policy_documents_file_name_key UNIQUE (file_name)")
