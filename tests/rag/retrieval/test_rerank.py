"""Rerankers: the no-op keeps order; the CrossEncoder wrapper orders by the model's pair scores."""

import pytest

from core.errors import ModelUnavailable
from core.settings import Settings
from rag.retrieval.rerank import CrossEncoderReranker, NoOpReranker, build_reranker
from rag.retrieval.types import ScoredChunk
from tests.rag.retrieval.helpers import chunk, ids

pytestmark = pytest.mark.unit


class FakePairScorer:
    """Scores a pair by how often the query's first word occurs in the passage."""

    def __init__(self):
        self.calls = []

    def predict(self, sentences, **kwargs):
        self.calls.append((sentences, kwargs))
        return [passage.count(query.split()[0]) for query, passage in sentences]


def candidates() -> list[ScoredChunk]:
    texts = {1: "dti", 2: "dti dti dti", 3: "ltv", 4: "dti dti"}
    return [ScoredChunk(chunk(i, text=texts[i]), 1.0 / i) for i in texts]


def test_no_op_keeps_order_and_scores():
    reranked = NoOpReranker().rerank("q", candidates(), k=2)
    assert ids(reranked) == [1, 2] and [r.score for r in reranked] == [1.0, 0.5]


def test_cross_encoder_orders_by_pair_score_and_keeps_ties_stable():
    model = FakePairScorer()
    reranker = CrossEncoderReranker(model, name="fake", batch_size=8)
    reranked = reranker.rerank("dti limit", candidates(), k=3)
    assert ids(reranked) == [2, 4, 1] and [r.score for r in reranked] == [3.0, 2.0, 1.0]
    pairs, kwargs = model.calls[0]
    assert pairs[0] == ("dti limit", "dti") and kwargs["batch_size"] == 8
    assert reranker.rerank("dti", [], k=3) == []


def test_default_is_no_reranker_offline(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path, reranker_model="", allow_model_downloads=False)
    assert isinstance(build_reranker(settings), NoOpReranker)


def test_a_named_model_that_is_not_local_is_an_error(tmp_path):
    settings = Settings(
        _env_file=None, data_dir=tmp_path, reranker_model="cross-encoder/nowhere", allow_model_downloads=False
    )
    with pytest.raises(ModelUnavailable, match="nowhere"):
        build_reranker(settings)
