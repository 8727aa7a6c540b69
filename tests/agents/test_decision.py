"""Decision precedence (pure): fail closed, incomplete, FAIL, REVIEW, CONDITION, APPROVE."""

import pytest

from agents.decision import recommend
from agents.verdicts import AgentVerdict, Finding

pytestmark = pytest.mark.unit


def verdict(agent: str, *statuses: str, verdict: str = "OK") -> AgentVerdict:
    findings = tuple(
        Finding(rule_id=f"{agent}.r{i}", label="l", status=s, message=f"{s} {i}") for i, s in enumerate(statuses)
    )
    return AgentVerdict(agent=agent, verdict=verdict, summary="", findings=findings)


def state(**overrides):
    base = {a: verdict(a) for a in ("intake", "ratio", "compliance", "policy", "underwriting")}
    base["intake"] = verdict("intake", verdict="PROCEED")
    return {**base, **overrides}


def test_all_pass_approves():
    assert recommend(state(policy=verdict("policy", "PASS", "INFO")))[0] == "APPROVE"


def test_condition_approves_with_conditions():
    outcome, drivers, _ = recommend(state(policy=verdict("policy", "PASS", "CONDITION")))
    assert outcome == "APPROVE_WITH_CONDITIONS" and [d.status for d in drivers] == ["CONDITION"]


def test_review_refers_and_beats_conditions():
    assert recommend(state(policy=verdict("policy", "CONDITION", "REVIEW")))[0] == "REFER"


def test_fail_declines_even_with_reviews():
    outcome, drivers, _ = recommend(state(policy=verdict("policy", "REVIEW", "FAIL")))
    assert outcome == "DECLINE" and [d.status for d in drivers] == ["FAIL"]


def test_incomplete_application_gets_a_notice_of_incompleteness_not_a_decline():
    s = state(intake=verdict("intake", "FAIL", verdict="REJECT_INCOMPLETE"))
    for skipped in ("ratio", "compliance", "policy", "underwriting"):
        s.pop(skipped)
    assert recommend(s)[0] == "INCOMPLETE"


@pytest.mark.parametrize("missing", ["ratio", "compliance", "policy", "underwriting"])
def test_a_verdict_the_route_requires_but_missing_refers(missing):
    s = state(policy=verdict("policy", "PASS"))
    s.pop(missing)
    outcome, _, why = recommend(s)
    assert outcome == "REFER" and missing in why


def test_underwriting_is_not_required_after_a_compliance_fail():
    s = state(compliance=verdict("compliance", "FAIL", verdict="FAIL"))
    s.pop("underwriting")
    assert recommend(s)[0] == "DECLINE"


@pytest.mark.parametrize(
    "broken",
    [
        {"policy": verdict("policy", "FAIL", "UNVERIFIED")},
        {"compliance": verdict("compliance", verdict="ERROR")},
        {"ratio": verdict("ratio", verdict="ERROR"), "policy": verdict("policy", "FAIL")},
    ],
)
def test_fails_closed_to_refer(broken):
    assert recommend(state(**broken))[0] == "REFER"
