"""Dense search on the real pgvector: exact cosine order with tiny vectors, filters, index freshness."""

from __future__ import annotations

import pytest

from core.models import PolicyChunk, PolicyDocument
from rag.retrieval.bm25 import BM25Cache
from rag.retrieval.dense import dense_search, set_ef_search
from rag.retrieval.store import corpus_fingerprint
from rag.retrieval.types import Filters
from tests.rag.retrieval.helpers import add_document, vec

pytestmark = pytest.mark.integration


@pytest.fixture
def tiny_corpus(empty_db):
    with empty_db() as session:
        (a,) = add_document(session, "Conventional", ["conventional"], [("alpha rule", vec(1, 0, 0))])
        b, d = add_document(session, "FHA", ["fha"], [("beta rule", vec(0.8, 0.6, 0)), ("delta rule", vec(-1, 0, 0))])
        (c,) = add_document(session, "Fair Lending", ["all"], [("gamma rule", vec(0, 1, 0))])
        session.commit()
    return empty_db, {"a": a, "b": b, "c": c, "d": d}


def test_order_and_scores_are_exact_cosines(tiny_corpus):
    db, ids = tiny_corpus
    with db() as session:
        hits = dense_search(session=session, query_vec=vec(1, 0, 0), k=10)
    assert [h.chunk.id for h in hits] == [ids["a"], ids["b"], ids["c"], ids["d"]]
    assert [h.score for h in hits] == pytest.approx([1.0, 0.8, 0.0, -1.0], abs=1e-6)
    assert hits[0].chunk.embedding.shape == (384,) and hits[0].chunk.citation.doc_name == "Conventional"


def test_program_filter_admits_all_program_documents_and_doc_filter_narrows(tiny_corpus):
    db, ids = tiny_corpus
    with db() as session:
        set_ef_search(session=session, ef_search=100)
        fha = dense_search(session=session, query_vec=vec(1, 0, 0), k=10, filters=Filters(programs=("fha",)))
        one_doc = dense_search(session=session, query_vec=vec(1, 0, 0), k=1, filters=Filters(doc_names=("FHA",)))
        usda = dense_search(session=session, query_vec=vec(1, 0, 0), k=10, filters=Filters(programs=("usda",)))
    assert [h.chunk.id for h in fha] == [ids["b"], ids["c"], ids["d"]]
    assert [h.chunk.id for h in one_doc] == [ids["b"]]
    assert [h.chunk.id for h in usda] == [ids["c"]]


def test_bm25_index_is_cached_and_rebuilt_when_the_corpus_changes(tiny_corpus):
    db, ids = tiny_corpus
    cache = BM25Cache("bm25s")
    with db() as session:
        first = cache.get(session=session)
        assert cache.get(session=session) is first and len(first) == 4
        before = corpus_fingerprint(session=session)
        (e,) = add_document(session, "Jumbo", ["jumbo"], [("epsilon reserves rule", vec(0, 0, 1))])
        session.commit()
    with db() as session:
        assert corpus_fingerprint(session=session) != before
        second = cache.get(session=session)
        assert second is not first and len(second) == 5
        assert [cid for cid, _ in second.search("epsilon reserves", k=3)] == [e]
        session.delete(session.get(PolicyDocument, session.get(PolicyChunk, e).document_id))
        session.commit()
    with db() as session:
        assert len(cache.get(session=session)) == 4
