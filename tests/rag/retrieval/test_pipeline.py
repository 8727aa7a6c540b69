"""The whole pipeline on the seeded corpus: reference pages in the top 5, filters, the trace, freshness."""

from __future__ import annotations

import json
from functools import lru_cache

import pytest
from pypdf import PdfReader

from rag.retrieval import Filters, Retriever
from rag.retrieval.rerank import NoOpReranker
from tests.conftest import SEED_POLICIES

pytestmark = pytest.mark.integration

# (question, seed file, page where the answer is printed, the sentence that answers it)
REFERENCES = [
    (
        "What credit score does a borrower need for 96.5% LTV on an FHA loan?",
        "fha.pdf",
        3,
        "A credit score of 580 or higher qualifies for a maximum LTV of 96.5%.",
    ),
    (
        "What is the maximum DTI for a conventional loan?",
        "conventional.pdf",
        4,
        "The maximum back-end DTI ratio for a conventional loan is 45%.",
    ),
    (
        "How many months of reserves does a jumbo loan require?",
        "jumbo.pdf",
        5,
        "A jumbo loan requires reserves of at least 12 months of PITI.",
    ),
    (
        "How soon must an applicant be notified of the action taken on a completed application?",
        "fair_lending.pdf",
        4,
        "Notice of action taken must be given within 30 days after receiving a completed application.",
    ),
    (
        "What is the longest loan term a qualified mortgage may have?",
        "atr_qm.pdf",
        6,
        "The loan term of a qualified mortgage may not exceed 30 years (360 months).",
    ),
]


def squash(text: str) -> str:
    return " ".join(text.split())


@lru_cache
def pdf(file_name: str) -> tuple[str, list[str]]:
    reader = PdfReader(SEED_POLICIES / file_name)
    return str(reader.metadata.title), [squash(p.extract_text() or "") for p in reader.pages]


@pytest.mark.parametrize("question, file_name, page, sentence", REFERENCES, ids=[r[1] for r in REFERENCES])
def test_reference_page_is_in_the_top_5(retriever: Retriever, question, file_name, page, sentence):
    title, pages = pdf(file_name)
    assert sentence in pages[page - 1], f"the seed PDF changed: {sentence!r} is no longer on {file_name} p. {page}"
    result = retriever.retrieve(question, k=5)
    found = [
        c.chunk for c in result.chunks if c.chunk.doc_name == title and c.chunk.page_num <= page <= c.chunk.page_end
    ]
    assert found, [c.label() for c in result.citations]
    assert any(sentence in squash(c.text) for c in found)


def test_program_filter_keeps_that_program_and_all_program_documents(retriever: Retriever):
    result = retriever.retrieve("maximum DTI ratio", Filters(programs=("fha",)), k=10)
    assert len(result.chunks) == 10
    assert all({"fha", "all"} & set(c.chunk.programs) for c in result.chunks)
    for stage in result.trace.stages:
        assert all({"fha", "all"} & set(h.chunk.programs) for h in stage.hits), stage.stage
    title, _ = pdf("jumbo.pdf")
    only = retriever.retrieve("maximum DTI ratio", Filters(doc_names=(title,)), k=3)
    assert [c.chunk.doc_name for c in only.chunks] == [title] * 3


def test_trace_records_every_stage_in_order(all_stages_retriever: Retriever):
    retriever = all_stages_retriever
    s = retriever.settings
    result = retriever.retrieve("max DTI for an FHA loan", k=4)
    trace = result.trace
    variants = trace.stages[0].variants
    assert variants == (
        "max DTI for an FHA loan",
        "max debt-to-income ratio for an Federal Housing Administration loan",
        "max DTI for an FHA loan debt-to-income ratio Federal Housing Administration",
    )
    names = [st.stage for st in trace.stages]
    assert names == ["rewrite"] + ["dense", "bm25"] * len(variants) + ["rrf", "mmr", "rerank"]
    assert [st.query for st in trace.stages[1:-3]] == [v for v in variants for _ in (0, 1)]
    dense_and_bm25 = trace.stages[1:-3]
    assert all(0 < len(st.hits) <= s.dense_candidates for st in dense_and_bm25)
    rrf, mmr, rerank = trace.stages[-3:]
    assert len(rrf.hits) == s.fused_candidates and len(mmr.hits) == s.rerank_candidates
    assert rerank.note == "none" and rerank.hits == result.chunks == trace.results and len(result.chunks) == 4
    assert all(st.ms >= 0 for st in trace.stages) and trace.total_ms >= sum(st.ms for st in trace.stages[1:])
    data = json.loads(json.dumps(trace.to_dict()))
    assert [r["chunk_id"] for r in data["results"]] == [c.chunk.id for c in result.chunks]
    assert {"doc_name", "page_num", "section", "char_offset", "char_end"} <= data["results"][0].keys()


def test_rewriting_off_uses_the_original_query_only(seeded_db, embedder, settings):
    no_rewrite = settings.model_copy(update={"query_rewrite": False, "lay_term_expansion": False})
    retriever = Retriever(session_factory=seeded_db, embedder=embedder, reranker=NoOpReranker(), settings=no_rewrite)
    trace = retriever.retrieve("max DTI for an FHA loan", k=3).trace
    assert trace.stages[0].variants == ("max DTI for an FHA loan",)
    assert [st.stage for st in trace.stages] == ["rewrite", "dense", "bm25", "rrf", "mmr", "rerank"]


def test_everyday_words_are_searched_with_the_documents_terms(seeded_db, embedder, settings):
    lay = settings.model_copy(update={"query_rewrite": False, "lay_term_expansion": True, "lay_term_mode": "replace"})
    retriever = Retriever(session_factory=seeded_db, embedder=embedder, reranker=NoOpReranker(), settings=lay)
    trace = retriever.retrieve("How much savings must a homeowner keep?", k=3).trace
    assert trace.stages[0].variants == ("How much savings must a homeowner keep? reserves borrower",)
    assert trace.stage("dense")[0].query == "How much savings must a homeowner keep? reserves borrower"
    added = Retriever(
        session_factory=seeded_db,
        embedder=embedder,
        reranker=NoOpReranker(),
        settings=lay.model_copy(update={"lay_term_mode": "add"}),
    )
    assert len(added.retrieve("How much savings must a homeowner keep?", k=3).trace.stage("dense")) == 2
    plain = retriever.retrieve("maximum loan amount", k=3).trace
    assert plain.stages[0].variants == ("maximum loan amount",)
    spelled = retriever.retrieve("max CLTV for a homeowner", k=3).trace
    assert spelled.stages[0].variants == ("max CLTV for a homeowner borrower combined loan-to-value ratio",)


def test_a_new_document_is_found_without_restarting(retriever: Retriever, seeded_db, embedder, settings, tiny_pdf):
    from rag.ingest import ingest_paths

    question = "credit score 640 for a test loan"
    before = retriever.retrieve(question, k=5)
    assert all(c.chunk.doc_name != "Test Program Guide" for c in before.chunks)
    ingest_paths([tiny_pdf()], session_factory=seeded_db, embedder=embedder, settings=settings)
    after = retriever.retrieve(question, k=5)
    assert "Test Program Guide" in [c.chunk.doc_name for c in after.chunks]
    assert "Test Program Guide" in [h.chunk.doc_name for h in after.trace.stage("bm25")[0].hits]  # index rebuilt


def test_bad_input_is_refused(retriever: Retriever):
    with pytest.raises(ValueError):
        retriever.retrieve("   ")
    with pytest.raises(ValueError):
        retriever.retrieve("DTI", k=0)
