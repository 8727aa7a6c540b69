"""The retrieval verifier against a local fake OpenAI-compatible server: it reorders, abstains, and
falls back to the offline order on a timeout or a bad reply."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from core.settings import Settings
from rag.answer import INSUFFICIENT_CONTEXT, answer
from rag.retrieval import Retriever
from rag.retrieval.rerank import NoOpReranker
from rag.retrieval.verifier import build_verifier, reordered
from tests.fakes.llm_server import FakeLLMServer, Reply
from tests.rag.retrieval.helpers import ids, ranked

QUESTION = "What is the minimum credit score for an FHA loan?"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def _retrievers(seeded_db, embedder, settings: Settings, server: FakeLLMServer, timeout_s: float = 5.0):
    configured = settings.model_copy(
        update={
            "retrieval_verifier": "openai",
            "openai_api_key": SecretStr("test-key"),
            "openai_base_url": server.openai_base_url,
            "retrieval_verifier_timeout_s": timeout_s,
            "retrieval_verifier_candidates": 6,
        }
    )
    common = dict(session_factory=seeded_db, embedder=embedder, reranker=NoOpReranker())
    return (
        Retriever(**common, settings=settings),
        Retriever(**common, settings=configured, verifier=build_verifier(configured)),
    )


@pytest.mark.unit
def test_reordered_puts_the_ranked_first_and_keeps_the_rest_in_offline_order():
    hits = ranked(10, 11, 12, 13)
    assert ids(reordered(hits, [3, 3, 9, 1], k=4)) == [12, 10, 11, 13]  # repeats and unknown numbers ignored
    assert ids(reordered(hits, [], k=2)) == [10, 11]


@pytest.mark.unit
def test_offline_settings_build_no_verifier(settings):
    assert settings.retrieval_verifier == "offline" and build_verifier(settings) is None


@pytest.mark.integration
def test_the_verifier_reorders_the_top_candidates(seeded_db, embedder, settings, fake_llm):
    offline, verified = _retrievers(seeded_db, embedder, settings, fake_llm)
    before = offline.retrieve(QUESTION, k=5)
    fake_llm.script(Reply.of_json({"ranking": [4, 2], "answerable": True}))
    after = verified.retrieve(QUESTION, k=5)
    pool = offline.retrieve(QUESTION, k=6).chunks  # what the verifier was shown, in offline order
    assert ids(after.chunks) == [
        pool[3].chunk.id,
        pool[1].chunk.id,
        pool[0].chunk.id,
        pool[2].chunk.id,
        pool[4].chunk.id,
    ]
    assert ids(after.chunks) != ids(before.chunks) and after.answerable is True
    stage = after.trace.stage("verify")[0]
    assert "answerable" in stage.note and ids(stage.hits) == ids(after.chunks)
    (request,) = fake_llm.requests
    user = request.body["messages"][1]["content"]
    assert QUESTION in user and "[6]" in user and "[7]" not in user  # the top 6 candidates, numbered


@pytest.mark.integration
def test_the_verifier_abstains_for_the_answerer(seeded_db, embedder, settings, fake_llm):
    offline, verified = _retrievers(seeded_db, embedder, settings, fake_llm)
    assert answer(QUESTION, retriever=offline).sufficient
    fake_llm.script(Reply.of_json({"ranking": [], "answerable": False}))
    reply = answer(QUESTION, retriever=verified)
    assert not reply.sufficient and reply.text == INSUFFICIENT_CONTEXT and reply.trace.stage("verify")


@pytest.mark.integration
@pytest.mark.parametrize("trouble", [Reply.hang(3.0), Reply.http_error(500), Reply.of_text("not json")])
def test_the_verifier_falls_back_to_the_offline_order(trouble, seeded_db, embedder, settings, fake_llm):
    offline, verified = _retrievers(seeded_db, embedder, settings, fake_llm, timeout_s=0.5)
    fake_llm.script(trouble)
    result = verified.retrieve(QUESTION, k=5)
    assert ids(result.chunks) == ids(offline.retrieve(QUESTION, k=5).chunks)
    assert result.answerable is None and "fallback" in result.trace.stage("verify")[0].note
    assert answer(QUESTION, retriever=offline).text == answer(QUESTION, retriever=verified).text
    json.dumps(result.trace.to_dict())  # the fallback is recorded in a serialisable trace
