"""Domain reranker training: pair generation on hand-made chunks (exact outputs), and a tiny real training run."""

import json
from pathlib import Path

import pytest

from core.errors import ModelUnavailable
from core.settings import Settings
from rag.retrieval.rerank import DOMAIN_META, build_reranker, domain_reranker_dir
from rag.retrieval.rerank_training import (
    TrainConfig,
    TrainingPair,
    build_pairs,
    chunk_queries,
    corpus_fingerprint,
    glossary_variants,
    hard_negatives,
    interleave,
    key_words,
    passage_text,
    sentences,
    title_query,
    train_cross_encoder,
)
from rag.retrieval.rewrite import Glossary, GlossaryTerm
from rag.retrieval.types import Chunk

GLOSSARY = Glossary(
    [
        GlossaryTerm("DTI", "debt-to-income ratio", ("debt-to-income",)),
        GlossaryTerm("LTV", "loan-to-value ratio", ("loan-to-value",)),
    ]
)

DTI_TEXT = (
    "5.2 Debt-to-Income Limits\nThe maximum back-end DTI for a conventional loan is 45%. "
    "Short line here. A DTI above 50% is never eligible for any program."
)
CHUNKS = [
    Chunk(0, DTI_TEXT, "Conventional Guide", 5, 5, "5. Qualifying Ratios", "5.2 Debt-to-Income Limits"),
    Chunk(
        1,
        "The DTI limits also apply to refinances of every kind.",
        "Conventional Guide",
        5,
        5,
        "5. Qualifying Ratios",
        "5.2 Debt-to-Income Limits",
    ),
    Chunk(
        2,
        "6.1 Maximum LTV\nThe maximum LTV on a cash-out refinance is 80 percent of value.",
        "Conventional Guide",
        6,
        6,
        "6. Property",
        "6.1 Maximum LTV",
    ),
    Chunk(
        3,
        "Flood insurance is required when the property lies in a special flood hazard area.",
        "FHA Guide",
        9,
        9,
        "9. Insurance",
        None,
    ),
]
BY_ID = {c.id: c for c in CHUNKS}


@pytest.mark.unit
def test_title_query_names_the_document_and_drops_the_number():
    assert title_query(CHUNKS[0]) == "Conventional Guide: Debt-to-Income Limits"
    assert title_query(CHUNKS[3]) == "FHA Guide: Insurance"
    assert title_query(Chunk(9, "text", "Doc", 1, 1)) is None


@pytest.mark.unit
def test_sentences_drop_heading_lines_and_fragments():
    assert sentences(DTI_TEXT) == [
        "The maximum back-end DTI for a conventional loan is 45%.",
        "A DTI above 50% is never eligible for any program.",
    ]
    assert sentences("5. Ratios\n5.1 Calculating\nThe housing ratio is the payment over income.") == [
        "The housing ratio is the payment over income."
    ]


@pytest.mark.unit
def test_key_words_keep_content_words_and_figures_only():
    assert (
        key_words("The maximum back-end DTI for a conventional loan is 45%.")
        == "maximum back-end DTI conventional loan 45%"
    )
    assert (
        key_words("A loan of $250,000 is above the limit of 2.5 times income.")
        == "loan $250,000 above limit 2.5 times income"
    )
    assert key_words("one two three four five", max_words=3) == "one two three"


@pytest.mark.unit
def test_glossary_variants_spell_out_and_abbreviate():
    assert glossary_variants("maximum DTI 45%", GLOSSARY) == ["maximum debt-to-income ratio 45%"]
    assert glossary_variants("loan-to-value limit", GLOSSARY) == ["LTV limit"]
    assert glossary_variants("flood insurance", GLOSSARY) == []


@pytest.mark.unit
def test_chunk_queries_title_then_sentences_then_variants():
    assert chunk_queries(CHUNKS[0], GLOSSARY) == [
        "Conventional Guide: Debt-to-Income Limits",
        "maximum back-end DTI conventional loan 45%",
        "DTI above 50% never eligible program",
        "Conventional Guide: DTI Limits",
        "maximum back-end debt-to-income ratio conventional loan 45%",
        "debt-to-income ratio above 50% never eligible program",
    ]
    assert chunk_queries(CHUNKS[0], GLOSSARY, max_sentences=0) == [
        "Conventional Guide: Debt-to-Income Limits",
        "Conventional Guide: DTI Limits",
    ]


@pytest.mark.unit
def test_interleave_round_robin_keeps_first_occurrence():
    assert interleave([1, 2], [3, 1]) == [1, 3, 2]
    assert interleave([5], [], [6, 7]) == [5, 6, 7]
    assert interleave() == []


@pytest.mark.unit
def test_hard_negatives_skip_the_same_subsection_and_passages_covering_the_query():
    query = "maximum back-end DTI conventional loan 45%"
    # 1 is another window of the positive's subsection; 0 is the positive itself
    assert [c.id for c in hard_negatives(CHUNKS[0], query, [1, 0, 2, 3], BY_ID, n=3)] == [2, 3]
    assert [c.id for c in hard_negatives(CHUNKS[0], query, [3, 2], BY_ID, n=1)] == [3]
    # chunk 2 contains every word of "maximum LTV": it could be the answer, so it is no negative
    assert [c.id for c in hard_negatives(CHUNKS[0], "maximum LTV", [2, 3], BY_ID, n=3)] == [3]


@pytest.mark.unit
def test_build_pairs_one_positive_then_ranked_negatives_per_query():
    seen: list[str] = []

    def rank(queries):
        seen.extend(queries)
        return [[3, 2] for _ in queries]

    pairs = build_pairs([CHUNKS[2], CHUNKS[3]], GLOSSARY, rank, negatives=2)
    assert seen == [
        "Conventional Guide: Maximum LTV",
        "maximum LTV cash-out refinance 80 percent value",
        "Conventional Guide: Maximum loan-to-value ratio",
        "maximum loan-to-value ratio cash-out refinance 80 percent value",
        "FHA Guide: Insurance",
        "Flood insurance required property lies special flood hazard area",
    ]
    assert [p.label for p in pairs] == [1.0, 0.0] * 6
    ltv, flood = passage_text(CHUNKS[2]), "FHA Guide / 9. Insurance\n" + CHUNKS[3].text
    assert pairs[0] == TrainingPair("Conventional Guide: Maximum LTV", ltv, 1.0)
    assert pairs[1] == TrainingPair("Conventional Guide: Maximum LTV", flood, 0.0)
    assert pairs[-2:] == [TrainingPair(seen[-1], flood, 1.0), TrainingPair(seen[-1], ltv, 0.0)]


@pytest.mark.unit
def test_corpus_fingerprint_follows_text_and_headings():
    base = corpus_fingerprint(CHUNKS)
    assert base == corpus_fingerprint(list(CHUNKS))
    assert base != corpus_fingerprint([*CHUNKS[:3], Chunk(3, CHUNKS[3].text, "VA Guide", 9, 9, "9. Insurance")])


@pytest.mark.unit
def test_training_never_reads_the_held_out_eval_set():
    root = Path(__file__).resolve().parents[3]
    for path in [root / "rag/retrieval/rerank_training.py", *sorted((root / "rag/train_reranker").glob("*.py"))]:
        assert "loan_eval_dataset" not in path.read_text(encoding="utf-8"), path


@pytest.mark.unit
def test_domain_reranker_not_trained_yet_says_how_to_train(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path, reranker_model="domain")
    with pytest.raises(ModelUnavailable, match=r"run `make reranker` \(python -m rag.train_reranker\) first"):
        build_reranker(settings)


@pytest.mark.slow
def test_tiny_training_saves_a_model_the_reranker_loads_and_that_learned_its_pairs(tmp_path):
    """16 pairs, 1 layer: enough to check the loop, the save and the load end to end (not quality)."""
    from rag.embeddings import resolve_model_path
    from rag.retrieval.types import ScoredChunk

    dti, flood = CHUNKS[0], CHUNKS[3]
    queries = [
        "maximum DTI ratio",
        "debt-to-income limit",
        "back-end DTI 45%",
        "DTI above 50%",
        "flood insurance",
        "special flood hazard area",
        "flood zone insurance",
        "hazard area insurance",
    ]
    pairs = [
        p
        for i, q in enumerate(queries)
        for p in (
            TrainingPair(q, passage_text(dti if i < 4 else flood), 1.0),
            TrainingPair(q, passage_text(flood if i < 4 else dti), 0.0),
        )
    ]
    settings = Settings(_env_file=None, data_dir=tmp_path, reranker_model="domain")
    out = domain_reranker_dir(settings)
    config = TrainConfig(layers=1, max_length=64, epochs=10, batch_size=4, lr=1e-3, head_lr=1e-2, warmup_ratio=0.0)
    train_cross_encoder(
        pairs,
        base_path=resolve_model_path("all-MiniLM-L6-v2", allow_download=False),
        out_dir=out,
        config=config,
        progress=False,
    )
    (out / DOMAIN_META).write_text(json.dumps({"layers": 1, "max_length": 64}), encoding="utf-8")

    reranker = build_reranker(settings)
    assert reranker.name == "domain (1-layer MiniLM, 64 tokens)"
    candidates = [ScoredChunk(flood, 1.0), ScoredChunk(dti, 0.5)]
    assert [h.chunk.id for h in reranker.rerank("maximum DTI ratio", candidates, k=2)] == [dti.id, flood.id]
    assert [h.chunk.id for h in reranker.rerank("flood insurance", candidates[::-1], k=2)] == [flood.id, dti.id]
