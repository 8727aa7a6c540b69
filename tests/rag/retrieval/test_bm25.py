"""BM25 index over hand-made rows: tokens, exact scores, ordering, filters."""

import math

import pytest

from rag.retrieval.bm25 import BM25Index, tokenize
from rag.retrieval.types import Filters

pytestmark = pytest.mark.unit

ROWS = [
    (1, "The maximum DTI ratio for a conventional loan is 45%.", "Conventional Guide", ["conventional"]),
    (2, "FHA loans allow a 96.5% LTV with a 580 credit score.", "FHA Guide", ["fha"]),
    (3, "Adverse action notices are due within 30 days.", "Fair Lending Policy", ["all"]),
    (4, "Reserves of 12 months of PITI for jumbo loans.", "Jumbo Guide", ["jumbo"]),
    (5, "The maximum DTI ratio for an FHA loan is 43%.", "FHA Guide", ["fha"]),
]
BACKENDS = ["bm25s"]


def test_tokens_keep_decimals_drop_stopwords_and_fold_plurals():
    assert tokenize("The Borrowers' reserves: 12 months, 96.5% LTV; pass") == [
        "borrower",
        "reserve",
        "12",
        "month",
        "96.5",
        "ltv",
        "pass",
    ]
    assert tokenize("of the and") == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_ranking_is_by_score_then_id(backend):
    index = BM25Index.build(ROWS, backend=backend)
    assert [cid for cid, _ in index.search("FHA DTI", k=5)] == [5, 1, 2]
    tied = index.search("maximum DTI ratio", k=5)
    assert [cid for cid, _ in tied] == [1, 5] and tied[0][1] == tied[1][1]
    assert [cid for cid, _ in index.search("FHA DTI", k=1)] == [5]


def test_bm25s_score_is_lucene_bm25():
    index = BM25Index.build(ROWS, backend="bm25s")
    # one term, tf 1, df 2 of 5 docs; the doc has 6 tokens, the average is 32 / 5
    idf = math.log(1 + (5 - 2 + 0.5) / (2 + 0.5))
    expected = idf * 1 / (1 + 1.5 * (1 - 0.75 + 0.75 * 6 / (32 / 5)))
    assert dict(index.search("conventional DTI", k=5))[5] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_filters_match_the_sql_semantics(backend):
    index = BM25Index.build(ROWS, backend=backend)
    # a program filter admits chunks of documents that apply to all programs
    assert [cid for cid, _ in index.search("notices due within 30 days", k=5, filters=Filters(programs=("fha",)))] == [
        3
    ]
    assert [cid for cid, _ in index.search("FHA DTI", k=5, filters=Filters(programs=("conventional",)))] == [1]
    assert [cid for cid, _ in index.search("loan", k=5, filters=Filters(doc_names=("FHA Guide",)))] == [5, 2]
    both = Filters(doc_names=("FHA Guide", "Jumbo Guide"), programs=("jumbo",))
    assert [cid for cid, _ in index.search("loan", k=5, filters=both)] == [4]
    assert index.search("loan", k=5, filters=Filters(doc_names=("No Such Guide",))) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_match_and_empty_corpus_give_nothing(backend):
    index = BM25Index.build(ROWS, backend=backend)
    assert index.search("zebra", k=5) == [] and index.search("the of", k=5) == []
    empty = BM25Index.build([], backend=backend)
    assert len(empty) == 0 and empty.search("loan", k=5) == []


def test_one_bm25_library_rank_bm25_is_refused():
    from pydantic import ValidationError

    from core.settings import Settings

    with pytest.raises(ValidationError, match="bm25_backend"):
        Settings(_env_file=None, bm25_backend="rank_bm25")
