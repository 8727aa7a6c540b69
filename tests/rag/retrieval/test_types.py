"""Citations, filters and the trace's compact JSON form."""

import json

import pytest

from rag.retrieval.types import Filters, RetrievalResult, RetrievalTrace, ScoredChunk, StageTrace
from tests.rag.retrieval.helpers import chunk

pytestmark = pytest.mark.unit


def make_trace() -> RetrievalTrace:
    a, b = chunk(1, [1.0, 0.0, 0.0], doc="FHA Guide", page=3), chunk(2, [0.0, 1.0, 0.0], doc="FHA Guide", page=4)
    stages = (
        StageTrace("rewrite", 0.1234, variants=("FHA LTV", "Federal Housing Administration LTV")),
        StageTrace("dense", 2.5, query="FHA LTV", hits=(ScoredChunk(a, 0.81234567), ScoredChunk(b, 0.5))),
        StageTrace("bm25", 1.0, query="FHA LTV", hits=(ScoredChunk(b, 3.2),), note="bm25s"),
        StageTrace("rrf", 0.01, hits=(ScoredChunk(b, 1 / 61 + 1 / 62), ScoredChunk(a, 1 / 61))),
        StageTrace("mmr", 0.2, hits=(ScoredChunk(b, 0.7), ScoredChunk(a, 0.0))),
        StageTrace("rerank", 0.0, hits=(ScoredChunk(b, 0.7),), note="none"),
    )
    return RetrievalTrace("FHA LTV", Filters(programs=("fha",)), 1, stages, (ScoredChunk(b, 0.7),), 4.56789)


def test_trace_to_dict_is_compact_json_with_ranks_scores_and_final_citations():
    data = make_trace().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["total_ms"] == 4.568 and data["filters"] == {"doc_names": [], "programs": ["fha"]}
    assert [s["stage"] for s in data["stages"]] == ["rewrite", "dense", "bm25", "rrf", "mmr", "rerank"]
    assert data["stages"][0] == {
        "stage": "rewrite",
        "ms": 0.123,
        "variants": ["FHA LTV", "Federal Housing Administration LTV"],
    }
    assert data["stages"][1]["hits"] == [{"id": 1, "rank": 1, "score": 0.812346}, {"id": 2, "rank": 2, "score": 0.5}]
    assert data["stages"][2]["note"] == "bm25s" and data["stages"][2]["query"] == "FHA LTV"
    assert data["results"] == [
        {
            "rank": 1,
            "score": 0.7,
            "chunk_id": 2,
            "doc_name": "FHA Guide",
            "page_num": 4,
            "page_end": 4,
            "section": "1. Scope",
            "subsection": "1.1 Purpose",
            "char_offset": 20,
            "char_end": 29,
        }
    ]
    assert "text" not in json.dumps(data["stages"])  # chunk text stays out of the stored trace


def test_result_citations_and_labels():
    trace = make_trace()
    result = RetrievalResult("FHA LTV", trace.results, trace)
    (citation,) = result.citations
    assert citation.label() == "FHA Guide, p. 4, 1.1 Purpose"
    assert [s.stage for s in trace.stage("dense")] == ["dense"]


def test_filters():
    assert not Filters() and Filters(doc_names=("A",))
    assert Filters(programs=("fha", "va")).program_set() == ("fha", "va", "all")
    assert Filters().program_set() == ()
