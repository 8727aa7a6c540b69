"""Corpus versions in the citation explorer: a re-ingested policy keeps an old run's citations openable,
retrieval uses the current version by default, and the version picker reaches the old one."""

from __future__ import annotations

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import sessionmaker
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from dashboard import explorer
from dashboard.version_filter import ALL, CURRENT
from rag.ingest import ingest_paths
from rag.retrieval.types import Filters
from tests.conftest import SEED_POLICIES
from tests.pages.run_fixtures import underwrite_samples

pytestmark = pytest.mark.integration
DB = "lg_pages_versions"
PAGE = str(PROJECT_ROOT / "pages" / "citation_explorer.py")


def revised_copy(src, tmp_path):
    """The same policy (same title and programs) with new bytes: a new version of the document."""
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.add_metadata({"/Keywords": "revised"})
    out = tmp_path / src.name
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_old_citations_resolve_after_a_new_version_and_retrieval_moves_on(
    clone_seeded, embedder, settings, tmp_path, use_db
):
    engine = clone_seeded(DB)
    run_ids = underwrite_samples(engine, embedder, settings)
    factory = sessionmaker(bind=engine)
    run_id = run_ids["Maribel Okafor"]
    cited = next(
        e
        for e in (explorer.agent_evidence(factory, run_id, c.agent) for c in explorer.run_agents(factory, run_id))
        if e.citations
    )
    detail = cited.chunks[cited.citations[0].chunk_id]
    (report,) = ingest_paths(
        [revised_copy(SEED_POLICIES / detail.file_name, tmp_path)],
        session_factory=factory,
        embedder=embedder,
        settings=settings,
    )
    assert report.status == "new version", report.line()

    again = explorer.agent_evidence(factory, run_id, cited.agent)
    old = again.chunks[cited.citations[0].chunk_id]
    assert old.text == detail.text and old.superseded_at is not None

    use_db(DB)
    question = cited.citations[0].quote
    current, chunks = explorer.ask(factory, question)
    assert current.contexts and all(chunks[c.chunk.id].superseded_at is None for c in current.contexts)
    every, chunks = explorer.ask(factory, question, Filters(all_versions=True))
    assert any(chunks[c.chunk.id].superseded_at is not None for c in every.contexts)

    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.radio[0].set_value("A free question").run()
    picker = next(s for s in at.selectbox if s.label == "Corpus version")
    assert picker.options[:2] == [CURRENT, ALL] and any("superseded" in o for o in picker.options[2:])
    engine.dispose()


def test_two_copies_sharing_a_version_label_are_two_entries_and_current_answers_from_the_current(
    clone_seeded, embedder, settings, tmp_path, use_db
):
    """Bug: a changed PDF whose title page still said the same version was listed twice as "version 2.0", and
    choosing the "(current)" one answered from the superseded copy too (issue 21, point 10)."""
    from dashboard.version_filter import version_choices
    from rag.retrieval.store import document_versions

    engine = clone_seeded(DB + "_labels")
    factory = sessionmaker(bind=engine)
    src = SEED_POLICIES / "jumbo.pdf"
    (report,) = ingest_paths(
        [revised_copy(src, tmp_path)], session_factory=factory, embedder=embedder, settings=settings
    )
    assert report.status == "new version", report.line()
    with factory() as session:
        copies = [v for v in document_versions(session=session) if v.file_name == src.name]
    assert len(copies) == 2 and copies[0].version == copies[1].version  # the label did not change
    choices = version_choices(copies)
    current = next(label for label in choices if label.endswith("(current)"))
    old = next(label for label in choices if "(superseded" in label)
    assert len(choices) == 4 and current != old  # current, every, and one entry per copy

    use_db(DB + "_labels")
    question = "maximum loan-to-value ratio for a jumbo loan"
    answer, chunks = explorer.ask(factory, question, choices[current])
    assert answer.contexts and all(chunks[c.chunk.id].superseded_at is None for c in answer.contexts)
    answer, chunks = explorer.ask(factory, question, choices[old])
    assert answer.contexts and all(chunks[c.chunk.id].superseded_at is not None for c in answer.contexts)
    engine.dispose()
