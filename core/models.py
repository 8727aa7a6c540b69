"""SQLAlchemy 2.0 models. The schema itself is created by the migrations in core/migrations."""

from __future__ import annotations

from datetime import date, datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import ARRAY, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

EMBEDDING_DIM = 384  # all-MiniLM-L6-v2; a different embedder needs its own migration


class Base(DeclarativeBase):
    pass


class PolicyDocument(Base):
    """One ingested policy PDF. `file_name` is its identity; `content_hash` makes ingest idempotent."""

    __tablename__ = "policy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    doc_name: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(32))
    effective_date: Mapped[date | None] = mapped_column(Date)
    programs: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    page_count: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    pages: Mapped[list[PolicyPage]] = relationship(back_populates="document", cascade="all, delete-orphan", passive_deletes=True)
    chunks: Mapped[list[PolicyChunk]] = relationship(back_populates="document", cascade="all, delete-orphan", passive_deletes=True)


class PolicyPage(Base):
    """Cleaned text of one page, kept for citation previews and highlighting."""

    __tablename__ = "policy_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id", ondelete="CASCADE"), index=True)
    page_num: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

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
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIM))

    document: Mapped[PolicyDocument] = relationship(back_populates="chunks")
