"""MMR over 3-d vectors: relevance order at lambda 1, near-duplicates pushed down below it."""

import numpy as np
import pytest

from rag.retrieval.mmr import mmr
from rag.retrieval.types import ScoredChunk
from tests.rag.retrieval.helpers import chunk, ids

pytestmark = pytest.mark.unit

# 1 and 2 are near-duplicates; 3 is orthogonal to both; 4 sits between 1 and 3.
VECS = {1: [1.0, 0.0, 0.0], 2: [0.99, 0.141, 0.0], 3: [0.0, 0.0, 1.0], 4: [0.6, 0.0, 0.8]}
SCORES = {1: 1.0, 2: 0.9, 3: 0.8, 4: 0.5}


def candidates(order=(1, 2, 3, 4)) -> list[ScoredChunk]:
    return [ScoredChunk(chunk(i, VECS[i]), SCORES[i]) for i in order]


def test_lambda_one_is_relevance_order():
    picked = mmr(candidates(), lambda_=1.0, k=4)
    assert ids(picked) == [1, 2, 3, 4]
    # relevance is min-max scaled: (0.9 - 0.5) / 0.5 = 0.8, (0.8 - 0.5) / 0.5 = 0.6
    assert [p.score for p in picked] == pytest.approx([1.0, 0.8, 0.6, 0.0])


def test_lower_lambda_removes_the_near_duplicate_from_the_top():
    assert ids(mmr(candidates(), lambda_=1.0, k=2)) == [1, 2]
    picked = mmr(candidates(), lambda_=0.5, k=3)
    assert ids(picked) == [1, 3, 2]
    cos_12 = float(np.dot(VECS[1], VECS[2]) / np.linalg.norm(VECS[2]))
    assert picked[1].score == pytest.approx(0.5 * 0.6 - 0.5 * 0.0)  # 3 is orthogonal to 1
    assert picked[2].score == pytest.approx(0.5 * 0.8 - 0.5 * cos_12, abs=1e-6)


def test_default_lambda_keeps_relevance_first_but_still_penalises():
    assert ids(mmr(candidates(), lambda_=0.7, k=4)) == [1, 3, 2, 4]


def test_k_limits_and_edge_cases():
    assert ids(mmr(candidates(), lambda_=0.7, k=1)) == [1]
    assert mmr([], lambda_=0.7, k=3) == []
    assert len(mmr(candidates(), lambda_=0.7, k=10)) == 4
    equal = [ScoredChunk(chunk(i, VECS[i]), 0.5) for i in (3, 1)]
    assert ids(mmr(equal, lambda_=1.0, k=2)) == [3, 1]  # equal relevance: input order


def test_needs_embeddings_and_a_valid_lambda():
    with pytest.raises(ValueError, match="embeddings"):
        mmr([ScoredChunk(chunk(1), 1.0)], lambda_=0.7, k=1)
    with pytest.raises(ValueError):
        mmr(candidates(), lambda_=1.5, k=1)
