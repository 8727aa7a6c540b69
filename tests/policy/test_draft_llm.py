"""The draft's LLM proposer (DRAFT_PROPOSER), against a local fake OpenAI-compatible server: it fills a slot the
grammar cannot read only when the passage it cites states the value; a wrong number, a passage that does not
exist or speak of the rule, junk or a timeout leaves the offline draft as it was."""

from __future__ import annotations

import json
import re

import pytest

from core.settings import get_settings
from policy.__main__ import main as policy_main
from tests.fakes.llm_server import FakeLLMServer, RecordedRequest, Reply
from tests.policy.support import guide

pytestmark = pytest.mark.unit

# the grammar reads the score rule; the DTI rule has no comparator it knows ("... 43 percent, no exceptions")
BODY = """Chapter 2 Conventional Credit
II.A Credit standards
The minimum credit score for a conventional loan is 660.
Conventional loans: debt-to-income ratio 43 percent, no exceptions.
Scores of at least 700 earn the committee's thanks.
"""
DTI_RULE = "for the conventional program (max_dti)."  # how the prompt names the slot conventional.max_dti


def _passage_number(request: RecordedRequest, phrase: str) -> int:
    prompt = " ".join(m["content"] for m in request.body["messages"])
    match = re.search(rf"^(\d+)\. \[[^\]]*\] [^\n]*{re.escape(phrase)}", prompt, re.MULTILINE)
    return int(match.group(1)) if match else 0


def responder_for(value: str, phrase: str = "debt-to-income ratio 43"):
    """A model that answers the DTI question by citing the passage holding `phrase` with `value`; else none."""

    def respond(request: RecordedRequest) -> Reply:
        prompt = " ".join(m["content"] for m in request.body["messages"])
        if DTI_RULE in prompt:
            return Reply.of_json({"passage": _passage_number(request, phrase), "values": {"value": value}})
        return Reply.of_json({"passage": 0, "values": {}})

    return respond


@pytest.fixture
def proposer(monkeypatch):
    """DRAFT_PROPOSER=openai pointed at a fake server; yields the server."""
    with FakeLLMServer() as server:
        for name, value in {
            "DRAFT_PROPOSER": "openai",
            "OPENAI_API_KEY": "test-key",
            "LLM_TIMEOUT_S": "2",
            "OPENAI_BASE_URL": server.openai_base_url,
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()


def drafted(tmp_path, capsys) -> tuple[dict, str]:
    assert policy_main(["draft", str(guide(tmp_path, BODY)), "--json"]) == 0
    out = capsys.readouterr()
    return json.loads(out.out), out.err


def test_a_checked_model_proposal_fills_a_slot_the_grammar_missed(proposer, tmp_path, capsys):
    proposer.responder = responder_for("43")
    printed, _ = drafted(tmp_path, capsys)
    rules = {r["id"]: r for r in printed["rules"]}
    dti = rules["conventional.max_dti"]
    assert (dti["value"], dti["unit"], dti["source"], dti["page"]) == ("43", "percent", "llm", 3)
    assert dti["sentence"] == "Conventional loans: debt-to-income ratio 43 percent, no exceptions."
    assert dti["confidence"] < min(r["confidence"] for r in printed["rules"] if r["source"] == "grammar")
    assert rules["conventional.min_credit_score"]["source"] == "grammar"
    assert "conventional.max_dti" not in printed["missing"]
    # it saw policy text only: each request is one slot and its numbered passages
    assert all("Passages:" in r.body["messages"][-1]["content"] for r in proposer.requests)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (Reply.of_json({"passage": 1, "values": {"value": "45"}}), "not stated in the passage it cites"),
        (Reply.of_json({"passage": 99, "values": {"value": "43"}}), "the model named passage 99"),
        (Reply.of_json({"passage": 1, "values": {"ratio": "43"}}), "the slot needs ['value']"),
        (Reply.of_text("I think it is about 43%"), "LLMInvalidOutput"),
        (Reply.hang(seconds=10), "LLMTimeout"),
    ],
)
def test_a_model_proposal_that_does_not_check_out_is_rejected_and_said(proposer, tmp_path, capsys, reply, why):
    def respond(request: RecordedRequest) -> Reply:
        prompt = request.body["messages"][-1]["content"]
        if DTI_RULE in prompt:
            if reply.kind == "text" and '"passage": 1' in reply.text:  # cite the DTI passage itself
                return Reply.of_json({**json.loads(reply.text), "passage": _passage_number(request, "ratio 43")})
            return reply
        return Reply.of_json({"passage": 0, "values": {}})

    proposer.responder = respond
    printed, err = drafted(tmp_path, capsys)
    assert "conventional.max_dti" not in {r["id"] for r in printed["rules"]}
    assert "conventional.max_dti" in printed["missing"]
    line = next(x for x in err.splitlines() if "conventional.max_dti" in x)
    assert "rejected" in line and why in line
    assert {r["id"]: r["value"] for r in printed["rules"]}["conventional.min_credit_score"] == "660"


def test_a_cited_passage_that_does_not_speak_of_the_rule_is_rejected(tmp_path):
    """700 is stated, as a percent of nothing: in a sentence about the score, not the debt-to-income ratio."""
    from policy.draft import read_document, readings
    from policy.draft_llm import ProposerReply, Rejection, check_reply
    from policy.slots import load_slots

    slot = next(s for s in load_slots() if s.id == "conventional.max_dti")
    pool = readings([read_document(guide(tmp_path, BODY.replace("at least 700", "at least 700 percent")))])
    shown = [r for r in pool if "700" in r.text and r.text == r.cited]
    outcome = check_reply(slot, shown, ProposerReply(passage=1, values={"value": "700"}))
    assert isinstance(outcome, Rejection) and "does not speak of maximum back-end dti ratio" in outcome.why
    shown = [r for r in pool if "ratio 43" in r.text and r.text == r.cited]
    assert check_reply(slot, shown, ProposerReply(passage=1, values={"value": "43"})).source == "llm"


def test_without_a_proposer_nothing_is_asked(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DRAFT_PROPOSER", raising=False)
    get_settings.cache_clear()
    printed, err = drafted(tmp_path, capsys)
    assert "conventional.max_dti" in printed["missing"] and "rejected" not in err
    assert {r["source"] for r in printed["rules"]} == {"grammar"}
