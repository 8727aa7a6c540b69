"""Layering: rag never imports agents; the evaluation store does not import its runner; one corpus fingerprint."""

from __future__ import annotations

import ast

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_rag_imports_nothing_from_agents():
    offenders = {
        str(p.relative_to(PROJECT_ROOT)): sorted(m for m in imported_modules(p) if m.split(".")[0] == "agents")
        for p in (PROJECT_ROOT / "rag").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_evaluation_store_does_not_import_the_runner():
    assert "rag.evaluation.runner" not in imported_modules(PROJECT_ROOT / "rag" / "evaluation" / "store.py")


def test_one_corpus_fingerprint_function():
    from rag.ingest import corpus_fingerprint
    from rag.retrieval.store import corpus_fingerprint as retrieval_fingerprint

    assert retrieval_fingerprint is corpus_fingerprint


@pytest.mark.integration
def test_a_runs_corpus_version_is_the_ingest_fingerprint_and_moves_with_the_corpus(empty_db):
    """The version a run records is the fingerprint ingest and retrieval compare, on an empty corpus and after a
    document is added (when it changes)."""
    from agents.persistence import corpus_version
    from rag.ingest import corpus_fingerprint
    from tests.rag.retrieval.helpers import add_document, vec

    with empty_db() as session:
        empty = corpus_version(session=session)
        assert empty == corpus_fingerprint(session=session)
        add_document(session, "Conventional", ["conventional"], [("alpha rule", vec(1, 0, 0))])
        assert corpus_version(session=session) == corpus_fingerprint(session=session) != empty
