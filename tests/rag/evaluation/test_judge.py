"""The LLM judge: configured from settings, refused when it cannot work, and judged runs through a fake
OpenAI-compatible and Bedrock Converse server whose replies are scripted per ragas prompt (hand-computable scores)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import SecretStr

from core.errors import ConfigurationError
from rag.evaluation import store
from rag.evaluation.judge import judge_from_settings
from rag.evaluation.runner import run_evaluation
from tests.fakes.llm_server import FakeLLMServer, RecordedRequest, Reply

QUESTION_1 = "What is the maximum LTV for an FHA loan with a 560 credit score?"
JUDGE = "openai:judge-model"
# ragas asks for one pydantic schema per prompt; the schema's title names the prompt.
REPLIES = {
    "StatementGeneratorOutput": {"statements": ["The maximum LTV is 90%.", "The borrower invests 10%."]},
    "NLIStatementOutput": {
        "statements": [
            {"statement": "The maximum LTV is 90%.", "reason": "stated", "verdict": 1},
            {"statement": "The borrower invests 10%.", "reason": "not stated", "verdict": 0},
        ]
    },
    "ContextPrecisionOutput": {"reason": "useful", "verdict": 1},
    "ContextRecallOutput": {
        "classifications": [
            {"statement": "a", "reason": "r", "attributed": 1},
            {"statement": "b", "reason": "r", "attributed": 1},
            {"statement": "c", "reason": "r", "attributed": 0},
            {"statement": "d", "reason": "r", "attributed": 1},
        ]
    },
    "AnswerRelevanceOutput": {"question": QUESTION_1, "noncommittal": 0},
}


def per_prompt(request: RecordedRequest) -> Reply | None:
    if request.api == "bedrock":
        prompt = " ".join(c["text"] for m in request.body["messages"] for c in m["content"])
    else:
        prompt = " ".join(m["content"] for m in request.body["messages"])
    for title, reply in REPLIES.items():
        if f'"title": "{title}"' in prompt:
            return Reply.of_json(reply)
    return None


def judged_settings(settings, base_url: str, provider: str = "openai"):
    return settings.model_copy(
        update={
            "eval_judge_provider": provider,
            "eval_judge_model": "judge-model",
            "openai_api_key": SecretStr("test-key"),
            "openai_base_url": base_url,
        }
    )


def judge_at(server: FakeLLMServer, settings, provider: str):
    """(settings, judge) for EVAL_JUDGE_PROVIDER=provider, the judge talking to the fake server."""
    s = judged_settings(settings, server.openai_base_url, provider)
    judge = judge_from_settings(s)
    # Bedrock's endpoint is no setting: AWS's own is the only one the app uses.
    return s, replace(judge, base_url=server.url) if provider == "bedrock" else judge


@pytest.mark.unit
def test_the_judges_key_is_never_in_its_repr(settings):
    judge = judge_from_settings(judged_settings(settings, "http://127.0.0.1:9/v1"))
    assert judge.api_key == "test-key" and "test-key" not in repr(judge)


@pytest.mark.unit
def test_judge_comes_from_settings_or_is_refused(settings):
    assert judge_from_settings(settings) is None  # default: offline only
    judge = judge_from_settings(judged_settings(settings, "http://127.0.0.1:9/v1"))
    assert (judge.name, judge.base_url) == (JUDGE, "http://127.0.0.1:9/v1")
    ollama = judge_from_settings(settings.model_copy(update={"eval_judge_provider": "ollama"}))
    assert ollama.name == f"ollama:{settings.ollama_model}" and ollama.base_url == settings.ollama_base_url
    with pytest.raises(ConfigurationError, match="needs OPENAI_API_KEY"):
        judge_from_settings(
            settings.model_copy(update={"eval_judge_provider": "openai", "openai_api_key": SecretStr("")})
        )
    bedrock = judge_from_settings(settings.model_copy(update={"eval_judge_provider": "bedrock"}))
    assert bedrock.name == f"bedrock:{settings.bedrock_model_id}" and bedrock.region == settings.bedrock_region
    assert bedrock.base_url is None  # AWS's own endpoint
    with pytest.raises(ConfigurationError, match="needs BEDROCK_REGION"):
        judge_from_settings(settings.model_copy(update={"eval_judge_provider": "bedrock", "bedrock_region": ""}))


@pytest.mark.integration
@pytest.mark.parametrize("provider", ["openai", "bedrock"])
def test_a_judged_run_returns_and_stores_judged_metrics(
    small_dataset, retriever, settings, seeded_db, aws_env, provider
):
    with FakeLLMServer(responder=per_prompt, default=Reply.http_error(400, "unexpected prompt")) as server:
        s, judge = judge_at(server, settings, provider)
        outcome = run_evaluation(small_dataset, retriever=retriever, settings=s, judge=judge, session_factory=seeded_db)
    judge_name = f"{provider}:judge-model"
    assert outcome.judge == judge_name and server.requests
    assert all((r.api, r.model) == (provider, "judge-model") for r in server.requests)
    q1 = outcome.samples[0]
    assert q1.question.question == QUESTION_1 and q1.answer.sufficient and q1.errors == []
    assert q1.scores[f"faithfulness@{judge_name}"] == 0.5  # one of two statements supported
    assert q1.scores[f"context_recall@{judge_name}"] == 0.75  # three of four attributed
    assert q1.scores[f"context_precision@{judge_name}"] == pytest.approx(1.0)  # every context useful
    assert q1.scores[f"answer_relevancy@{judge_name}"] == pytest.approx(1.0, abs=1e-5)  # regenerated question == asked
    assert outcome.metric_info[f"faithfulness@{judge_name}"] == {
        "metric": "faithfulness",
        "judge": judge_name,
        "embedding_model": "all-MiniLM-L6-v2",
        "n": 2,
    }
    assert "rouge_l" in outcome.metrics and outcome.metric_info["rouge_l"]["judge"] == "none"
    assert not outcome.samples[2].question.answerable and set(outcome.samples[2].scores) == {"abstention_accuracy"}
    with seeded_db() as session:
        run = store.list_runs(session=session)[-1]
        assert run.id == outcome.run_id and run.judge == judge_name and run.config["judge"] == judge_name
        assert run.metrics[f"context_recall@{judge_name}"] == pytest.approx(0.75)
        assert store.run_samples(run.id, session=session)[0].scores[f"faithfulness@{judge_name}"] == 0.5


@pytest.mark.integration
def test_a_failing_judge_leaves_offline_metrics_and_records_errors(small_dataset, retriever, settings):
    with FakeLLMServer(default=Reply.http_error(500, "judge down")) as server:
        s = judged_settings(settings, server.openai_base_url)
        outcome = run_evaluation(small_dataset, retriever=retriever, settings=s, judge=judge_from_settings(s))
    assert outcome.metrics[f"faithfulness@{JUDGE}"] is None and outcome.metrics["rouge_l"] is not None
    errors = outcome.samples[0].errors
    assert errors and all("@" not in e for e in errors) and any(e.startswith("context_recall:") for e in errors)
