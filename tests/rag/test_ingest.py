"""Ingestion against the real embedded PostgreSQL: idempotence, replacement, bad files, CLI."""

from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from core.models import PolicyChunk, PolicyDocument, PolicyPage
from core.settings import PROJECT_ROOT
from rag.ingest import corpus_stats, ingest_paths

pytestmark = pytest.mark.integration


def run_ingest(paths, db, embedder, settings):
    return ingest_paths(paths, session_factory=db, embedder=embedder, settings=settings)


def test_ingest_stores_document_pages_and_chunks(tiny_pdf, empty_db, embedder, settings):
    (report,) = run_ingest([tiny_pdf()], empty_db, embedder, settings)
    assert report.status == "ingested" and report.pages == 3 and report.chunks >= 3
    with empty_db() as s:
        doc = s.scalar(select(PolicyDocument))
        assert (doc.doc_name, doc.version, str(doc.effective_date), doc.programs) == (
            "Test Program Guide",
            "1.0",
            "2026-01-01",
            ["conventional"],
        )
        chunk = s.scalar(select(PolicyChunk).where(PolicyChunk.text.contains("minimum credit score")))
        assert (chunk.page_num, chunk.section, chunk.subsection) == (3, "2. Eligibility", "2.1 Credit Score")
        assert len(chunk.embedding) == 384
        page_text = s.scalar(select(PolicyPage.text).where(PolicyPage.page_num == 3))
        assert "Cedar Ridge Mortgage" not in page_text and "Page 3 of 3" not in page_text


def test_same_file_twice_adds_nothing(tiny_pdf, empty_db, embedder, settings):
    path = tiny_pdf()
    run_ingest([path], empty_db, embedder, settings)
    with empty_db() as s:
        before = corpus_stats(session=s)
    (again,) = run_ingest([path], empty_db, embedder, settings)
    with empty_db() as s:
        assert again.status == "unchanged" and corpus_stats(session=s) == before


def test_changed_file_adds_a_version_and_keeps_the_old_chunks(tiny_pdf, empty_db, embedder, settings):
    path = tiny_pdf("guide.pdf")
    run_ingest([path], empty_db, embedder, settings)
    with empty_db() as s:
        old_ids = set(s.scalars(select(PolicyChunk.id)))
    tiny_pdf("guide.pdf", version="1.1", extra=" Revised in version 1.1.")
    (report,) = run_ingest([path], empty_db, embedder, settings)
    assert report.status == "new version" and "supersedes version 1.0" in report.reason
    with empty_db() as s:
        docs = s.scalars(select(PolicyDocument).order_by(PolicyDocument.id)).all()
        assert [(d.version, d.superseded_at is not None) for d in docs] == [("1.0", True), ("1.1", False)]
        old = s.scalars(select(PolicyChunk).where(PolicyChunk.id.in_(old_ids))).all()
        assert {c.id for c in old} == old_ids and all(c.superseded_at is not None for c in old)
        current = s.scalars(select(PolicyChunk).where(PolicyChunk.superseded_at.is_(None))).all()
        assert {c.document_id for c in current} == {docs[1].id}
        assert any("Revised in version 1.1" in c.text for c in current)
        assert corpus_stats(session=s)["superseded_versions"] == 1


def test_a_file_identical_to_a_superseded_version_makes_that_version_current_again(
    tiny_pdf, empty_db, embedder, settings
):
    path = tiny_pdf("guide.pdf")
    original = path.read_bytes()
    run_ingest([path], empty_db, embedder, settings)
    tiny_pdf("guide.pdf", version="1.1", extra=" Revised in version 1.1.")
    run_ingest([path], empty_db, embedder, settings)
    path.write_bytes(original)
    (report,) = run_ingest([path], empty_db, embedder, settings)
    with empty_db() as s:  # each version's PDF is archived under its content hash for the page preview
        hashes = s.scalars(select(PolicyDocument.content_hash).order_by(PolicyDocument.id)).all()
    assert (settings.document_archive_dir / f"{hashes[0]}.pdf").read_bytes() == original
    assert (settings.document_archive_dir / f"{hashes[1]}.pdf").read_bytes() != original
    assert report.status == "new version"
    assert "restores version 1.0" in report.reason and "supersedes version 1.1" in report.reason
    with empty_db() as s:
        docs = s.scalars(select(PolicyDocument).order_by(PolicyDocument.id)).all()
        assert [(d.version, d.superseded_at is not None) for d in docs] == [("1.0", False), ("1.1", True)]
        current = s.scalars(select(PolicyChunk).where(PolicyChunk.superseded_at.is_(None))).all()
        assert {c.document_id for c in current} == {docs[0].id}
        assert not any("Revised in version 1.1" in c.text for c in current)
    (again,) = run_ingest([path], empty_db, embedder, settings)
    assert again.status == "unchanged"


def _family(embedder, backend: str):
    """The session's torch embedder standing in for `backend` (keeps these tests free of ONNX and OpenVINO)."""
    from rag.embeddings import backend_family

    stand_in = copy.copy(embedder)
    stand_in.family = backend_family(backend)
    return stand_in


def test_switching_to_int8_vectors_re_embeds_and_switching_back_restores(tiny_pdf, empty_db, embedder, settings):
    only = {"ingest_backend": ""}  # one backend for ingestion and queries
    int8 = settings.model_copy(update={**only, "embedding_backend": "onnx-int8"})
    path = tiny_pdf()
    run_ingest([path], empty_db, embedder, settings.model_copy(update=only))
    (report,) = ingest_paths([path], session_factory=empty_db, embedder=_family(embedder, "onnx-int8"), settings=int8)
    assert report.status == "new version" and "supersedes version 1.0" in report.reason
    (back,) = run_ingest([path], empty_db, embedder, settings.model_copy(update={**only, "embedding_backend": "torch"}))
    assert back.status == "new version" and "restores version 1.0" in back.reason
    with empty_db() as s:
        current = [d.superseded_at is None for d in s.scalars(select(PolicyDocument).order_by(PolicyDocument.id))]
    assert current == [True, False]  # the int8 copy stays, superseded, for its stored citations


def test_vectors_of_either_configured_backend_are_current(tiny_pdf, empty_db, embedder, settings):
    """By default documents are ingested int8 and searched by torch queries: a file embedded by either
    counts as ingested, so the dashboard (query model) and `python -m rag.ingest` (int8) never undo
    each other's work; a backend no longer configured is re-embedded."""
    from rag.ingest import stale_files

    path = tiny_pdf()
    (first,) = ingest_paths(
        [path], session_factory=empty_db, embedder=_family(embedder, "openvino-int8"), settings=settings
    )
    assert first.status == "ingested"
    (again,) = run_ingest([path], empty_db, embedder, settings)  # the torch query model: same file, accepted
    assert again.status == "unchanged"
    with empty_db() as s:
        assert stale_files([path], settings, session=s) == []
        onnx_only = settings.model_copy(update={"ingest_backend": "", "embedding_backend": "onnx-int8"})
        assert stale_files([path], onnx_only, session=s) == [path]


def test_a_different_document_under_a_known_file_name_is_a_new_document(tiny_pdf, empty_db, embedder, settings):
    path = tiny_pdf("conventional.pdf", title="Conventional Program Guide")
    run_ingest([path], empty_db, embedder, settings)
    tiny_pdf("conventional.pdf", title="Office Party Menu")
    (report,) = run_ingest([path], empty_db, embedder, settings)
    assert report.status == "ingested" and "both kept" in report.reason
    with empty_db() as s:
        docs = s.scalars(select(PolicyDocument).order_by(PolicyDocument.id)).all()
        assert [(d.doc_name, d.superseded_at) for d in docs] == [
            ("Conventional Program Guide", None),
            ("Office Party Menu", None),
        ]


def _bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    data = good.read_bytes()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt("secret")
    encrypted = tmp_path / "encrypted.pdf"
    with encrypted.open("wb") as fh:
        writer.write(fh)
    files = {
        "empty.pdf": b"",
        "truncated.pdf": data[: len(data) // 2],
        "garbage.pdf": b"%PDF-1.4\n" + os.urandom(2000) + b"\n%%EOF\n",
        "notes.pdf": b"These are meeting notes, not a PDF.\n",
    }
    paths = {"encrypted.pdf": encrypted}
    for name, content in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(content)
    return paths


def test_bad_files_are_reported_and_store_nothing(tiny_pdf, tmp_path, empty_db, embedder, settings):
    good = tiny_pdf("good.pdf")
    bad = _bad_files(tmp_path, good)
    reports = {r.path.name: r for r in run_ingest([*bad.values(), good], empty_db, embedder, settings)}
    assert reports["good.pdf"].status == "ingested"
    expected = {
        "empty.pdf": "empty file",
        "truncated.pdf": "truncated",
        "garbage.pdf": "corrupt",
        "notes.pdf": "not a PDF",
        "encrypted.pdf": "encrypted",
    }
    for name, word in expected.items():
        assert reports[name].status == "failed", name
        assert word in reports[name].reason and "\n" not in reports[name].reason, reports[name].reason
    with empty_db() as s:
        assert s.scalars(select(PolicyDocument.file_name)).all() == ["good.pdf"]


def test_cli_reports_each_file_and_exits_non_zero_on_a_bad_one(tiny_pdf, tmp_path, settings):
    good = tiny_pdf("cli-good.pdf")
    bad = tmp_path / "cli-bad.pdf"
    bad.write_bytes(b"not a pdf")
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": "lg_cli", "DATABASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "rag.ingest", str(good), str(bad)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "ingested  cli-good.pdf: 3 pages" in result.stdout
    assert "FAILED    cli-bad.pdf: not a PDF" in result.stdout
    assert "knowledge base: 1 documents, 3 pages" in result.stdout
    again = subprocess.run(
        [sys.executable, "-m", "rag.ingest", str(good)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0 and "unchanged cli-good.pdf" in again.stdout


def test_cli_refuses_a_missing_path(settings):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": "lg_cli"}
    result = subprocess.run(
        [sys.executable, "-m", "rag.ingest", "no/such/file.pdf"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "no such file" in result.stderr
