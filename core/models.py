"""SQLAlchemy 2.0 models. The schema itself is created by the migrations in core/migrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

EMBEDDING_DIM = 384  # all-MiniLM-L6-v2; a different embedder needs its own migration


class Base(DeclarativeBase):
    pass


def _document_key(context: Any) -> str:
    """Default identity (title + programs), the same rule as rag.ingest.document_key, for rows inserted directly."""
    row = context.get_current_parameters()
    return " ".join(str(row.get("doc_name") or "").lower().split()) + "|" + ",".join(sorted(row.get("programs") or ()))


class PolicyDocument(Base):
    """One version of an ingested policy PDF. `doc_key` (title + programs) is the document's identity;
    `content_hash` makes ingest idempotent; a superseded version keeps its pages and chunks."""

    __tablename__ = "policy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    doc_key: Mapped[str] = mapped_column(Text, default=_document_key)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    doc_name: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(32))
    effective_date: Mapped[date | None] = mapped_column(Date)
    programs: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    page_count: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    pages: Mapped[list[PolicyPage]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    chunks: Mapped[list[PolicyChunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class PolicyPage(Base):
    """Cleaned text of one page, kept for citation previews and highlighting."""

    __tablename__ = "policy_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id", ondelete="CASCADE"), index=True)
    page_num: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="body")  # body | contents | index (never chunked)

    document: Mapped[PolicyDocument] = relationship(back_populates="pages")


class PolicyChunk(Base):
    """A retrievable passage: a verbatim slice of one document with the metadata it starts in."""

    __tablename__ = "policy_chunks"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id", ondelete="CASCADE"), index=True)
    chunk_index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    doc_name: Mapped[str] = mapped_column(Text)
    page_num: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(Text)
    subsection: Mapped[str | None] = mapped_column(Text)
    char_offset: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    programs: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    version: Mapped[str | None] = mapped_column(String(32))
    effective_date: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIM))
    # a table row's caption and column header (rag.tables): indexed and shown with the row, never quoted
    context: Mapped[str | None] = mapped_column(Text)

    document: Mapped[PolicyDocument] = relationship(back_populates="chunks")
    windows: Mapped[list[PolicyChunkWindow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PolicyChunkWindow(Base):
    """One more vector of a chunk longer than the encoder reads: a window of its later words
    (window 0 is the chunk's own embedding). Dense search scores a chunk by its best vector."""

    __tablename__ = "policy_chunk_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    chunk_id: Mapped[int] = mapped_column(ForeignKey("policy_chunks.id", ondelete="CASCADE"), index=True)
    window_index: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIM))


class Application(Base):
    """A submitted application. The SSN is stored only masked and as a keyed hash."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    applicant_name: Mapped[str] = mapped_column(Text)
    ssn_masked: Mapped[str] = mapped_column(String(16))
    ssn_hash: Mapped[str] = mapped_column(String(64), index=True)
    loan_type: Mapped[str] = mapped_column(String(16))
    loan_amount: Mapped[float] = mapped_column(Numeric(14, 2))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)  # the application without the SSN
    application_ref: Mapped[str | None] = mapped_column(String(64), unique=True)  # the applicant's own ID (0004)


class PolicyPublication(Base):
    """A rulebook made the one decisions use, by a named person, pinned to document versions (0020)."""

    __tablename__ = "policy_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    approver: Mapped[str] = mapped_column(Text)
    how: Mapped[str] = mapped_column(String(16))  # published | first_start
    name: Mapped[str] = mapped_column(Text)
    rulebook: Mapped[list[Any]] = mapped_column(JSONB)
    rulebook_hash: Mapped[str] = mapped_column(String(16))
    document_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    corpus_version: Mapped[str] = mapped_column(String(16))
    policy_version: Mapped[str] = mapped_column(String(16))
    checks: Mapped[dict[str, Any]] = mapped_column(JSONB)
    accepted_gaps: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    accept_reason: Mapped[str | None] = mapped_column(Text)


class Run(Base):
    """One pipeline run over an application; its id is also the LangGraph thread id."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    recommendation: Mapped[str | None] = mapped_column(String(32))
    final_decision: Mapped[str | None] = mapped_column(String(32))
    override_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    corpus_version: Mapped[str | None] = mapped_column(String(64))
    ruleset_version: Mapped[str | None] = mapped_column(String(64))
    # the published policy it decided under and that policy's version (rulebook, inventory, tables, corpus, engine)
    policy_publication_id: Mapped[int | None] = mapped_column(ForeignKey("policy_publications.id"))
    policy_version: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latency_ms: Mapped[float | None] = mapped_column(Float)
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    errors: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    application: Mapped[Application] = relationship()
    agent_traces: Mapped[list[AgentTrace]] = relationship(back_populates="run", order_by="AgentTrace.seq")
    retrieval_traces: Mapped[list[RetrievalTraceRecord]] = relationship(
        back_populates="run", order_by="RetrievalTraceRecord.id"
    )


class AgentTrace(Base):
    """What one agent did in a run: provider, model, usage, latency, verdict and citations."""

    __tablename__ = "agent_traces"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    agent: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # ok | fallback | error
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    verdict: Mapped[dict[str, Any]] = mapped_column(JSONB)
    citations: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    faithfulness: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    run: Mapped[Run] = relationship(back_populates="agent_traces")


class RetrievalTraceRecord(Base):
    """A retrieval trace (every stage's ranked list) as used by an agent in a run."""

    __tablename__ = "retrieval_traces"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    agent: Mapped[str] = mapped_column(String(32))
    query: Mapped[str] = mapped_column(Text)
    trace: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    run: Mapped[Run] = relationship(back_populates="retrieval_traces")


class AuditRecord(Base):
    """Append-only, hash-chained audit log: each record holds the hash of the one before it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    run_id: Mapped[str | None] = mapped_column(String(36), index=True)
    event: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class EvalRun(Base):
    """One evaluation of the question-answering path over an eval set, with its configuration snapshot.

    `metrics` maps each metric key to its aggregate; `metric_info` says for each key which metric it is,
    which judge scored it ("none" offline) and which embedding model it used, so series never mix.
    """

    __tablename__ = "eval_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    dataset: Mapped[str] = mapped_column(Text)
    n_questions: Mapped[int] = mapped_column(Integer)
    judge: Mapped[str] = mapped_column(Text)
    embedding_model: Mapped[str] = mapped_column(Text)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    corpus_version: Mapped[str | None] = mapped_column(String(64))
    git_commit: Mapped[str | None] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONB)
    metric_info: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    latency_s: Mapped[float | None] = mapped_column(Float)

    samples: Mapped[list[EvalSample]] = relationship(
        back_populates="run", order_by="EvalSample.id", cascade="all, delete-orphan", passive_deletes=True
    )


class EvalSample(Base):
    """One question of an eval run: the answer, the retrieved contexts (with chunk ids) and every score."""

    __tablename__ = "eval_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    eval_run_id: Mapped[int] = mapped_column(ForeignKey("eval_runs.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(32))
    answerable: Mapped[bool] = mapped_column(Boolean, default=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    contexts: Mapped[list[Any]] = mapped_column(JSONB, default=list)  # ranked chunks: id, text, citation
    citations: Mapped[list[Any]] = mapped_column(JSONB, default=list)  # the answer sentences' citations
    reference: Mapped[str | None] = mapped_column(Text)
    reference_contexts: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # metric key -> value (absent: not scored)
    errors: Mapped[list[Any]] = mapped_column(JSONB, default=list)

    run: Mapped[EvalRun] = relationship(back_populates="samples")


class Batch(Base):
    """A file of applications underwritten together; its id comes from the file's content."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    total_rows: Mapped[int] = mapped_column(Integer)
    refused: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BatchItem(Base):
    """One row of a batch and the run that decides it (assigned before the run starts)."""

    __tablename__ = "batch_items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[str] = mapped_column(String(36), unique=True)
    monitoring: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
