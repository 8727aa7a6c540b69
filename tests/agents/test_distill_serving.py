"""The Ratio node routed to the `local` provider: a narrative with a number the engine did not compute is
discarded and recorded, and the engine's own text and figures stay (the generation is injected)."""

from types import SimpleNamespace

import pytest

from agents.node import AgentOutput, _narrated
from agents.verdicts import AgentVerdict
from core.llm import LLMRouter
from core.llm.local import LocalClient, LocalModelPaths
from tests.core.llm_helpers import llm_settings

pytestmark = pytest.mark.unit

FACTS = {
    "piti": "2850.44",
    "monthly_income": "11500",
    "monthly_debts": "650",
    "front_end_dti": "24.79",
    "back_end_dti": "30.44",
    "ltv": "80.00",
    "reserves_months": "21.04",
}


def _ratio_output() -> AgentOutput:
    return AgentOutput(
        AgentVerdict(
            agent="ratio",
            verdict="COMPUTED",
            summary="PITI $2,850.44; DTI 30.44%.",
            reasoning="engine reasoning",
            facts=FACTS,
        )
    )


def _ctx(reply: str, tmp_path) -> SimpleNamespace:
    client = LocalClient(
        paths=LocalModelPaths(tmp_path / "b", tmp_path / "a"), generate=lambda prompt, budget: (reply, 50, 20)
    )
    return SimpleNamespace(
        router=LLMRouter(llm_settings(agent_providers={"ratio": "local"}), clients={"local": client})
    )


def test_local_narrative_with_a_wrong_number_is_discarded_and_recorded(tmp_path):
    verdict, usage, errors = _narrated("ratio", _ratio_output(), _ctx("PITI is $2,850.44; DTI is 38.12%.", tmp_path))
    assert verdict.summary == "PITI $2,850.44; DTI 30.44%." and verdict.reasoning == "engine reasoning"
    assert verdict.facts == FACTS
    assert usage.provider == "local" and usage.status == "fallback"
    assert len(errors) == 1 and errors[0].agent == "ratio" and "38.12" in errors[0].message


def test_local_narrative_with_the_engines_figures_is_used(tmp_path):
    reply = "PITI is $2,850.44 on income of $11,500 (24.79%). DTI is 30.44%, LTV 80.00%."
    verdict, usage, errors = _narrated("ratio", _ratio_output(), _ctx(reply, tmp_path))
    assert verdict.reasoning == reply and verdict.verdict == "COMPUTED" and verdict.facts == FACTS
    assert usage.status == "ok" and errors == []


def test_local_narrative_with_a_false_comparison_is_discarded(tmp_path):
    """Both figures are computed, yet "24.79% is above ... 30.44%" is false: the student's LTV-as-DTI mistake."""
    reply = "The DTI 24.79% is above the most the program allows, 30.44%."
    verdict, usage, errors = _narrated("ratio", _ratio_output(), _ctx(reply, tmp_path))
    assert verdict.summary == "PITI $2,850.44; DTI 30.44%." and usage.status == "fallback"
    assert len(errors) == 1 and "24.79% is above" in errors[0].message and errors[0].kind == "error"
    assert usage.tokens_out == 20  # the discarded reply's tokens are still recorded
