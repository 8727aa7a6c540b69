"""Reciprocal rank fusion: exact scores, ties, duplicates, immutability."""

import pytest

from rag.retrieval.fusion import RRF_K, rrf
from tests.rag.retrieval.helpers import chunk, ids, ranked

pytestmark = pytest.mark.unit


def test_scores_are_sums_of_reciprocal_ranks():
    fused = rrf([ranked(1, 2, 3), ranked(3, 1)], k=60)
    assert ids(fused) == [1, 3, 2]
    assert [h.score for h in fused] == pytest.approx([1 / 61 + 1 / 62, 1 / 63 + 1 / 61, 1 / 62], abs=1e-15)


def test_input_scores_are_ignored():
    a = ranked(1, 2)
    b = [type(h)(h.chunk, h.score * 1000) for h in ranked(2, 1)]
    assert [h.score for h in rrf([a, b])] == pytest.approx([1 / 61 + 1 / 62] * 2)


def test_ties_go_to_the_lower_id_and_limit_truncates():
    fused = rrf([ranked(5, 4), ranked(4, 5), ranked(9)], k=1, limit=2)
    # 4 and 5 both score 1/2 + 1/3; 9 scores 1/2
    assert ids(fused) == [4, 5]
    assert fused[0].score == pytest.approx(1 / 2 + 1 / 3)


def test_k_sets_how_much_a_single_top_rank_outweighs_agreement():
    lists = [ranked(1, 2, 3, 4), ranked(5, 6, 7, 4)]  # 4 is fourth in both lists
    assert ids(rrf(lists, k=1)) == [1, 5, 4, 2, 6, 3, 7]  # 1/2 beats 2/5
    assert ids(rrf(lists, k=60)) == [4, 1, 5, 2, 6, 3, 7]  # 2/64 beats 1/61
    assert rrf(lists, k=60)[0].score == pytest.approx(2 / 64)


def test_a_chunk_repeated_in_one_list_counts_once_at_its_best_rank():
    twice = ranked(1, 2, 1)
    assert rrf([twice])[0].score == pytest.approx(1 / 61)
    assert ids(rrf([twice])) == [1, 2]


def test_returns_new_objects_and_keeps_an_embedding_when_any_list_has_one():
    without = ranked(7)
    with_vec = [type(without[0])(chunk(7, [1.0, 0.0, 0.0]), 0.9)]
    fused = rrf([without, with_vec])
    assert fused[0] is not without[0] and fused[0] is not with_vec[0]
    assert fused[0].chunk.embedding is not None
    assert without[0].score == 1.0  # inputs untouched


def test_default_k_is_the_papers_60_and_empty_input_is_empty():
    assert RRF_K == 60
    assert rrf([]) == [] and rrf([[], []]) == []
    with pytest.raises(ValueError):
        rrf([ranked(1)], k=0)
