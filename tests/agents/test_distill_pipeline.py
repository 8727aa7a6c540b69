"""The whole graph with the Ratio agent routed to the `local` provider (generation injected): a narrative
with a number the engine did not compute is discarded, recorded, and changes nothing else."""

from __future__ import annotations

import pytest

from agents.context import AgentContext
from core.llm import LLMRouter
from core.llm.local import LocalClient, LocalModelPaths
from tests.agents.support import app
from tests.core.llm_helpers import llm_settings

pytestmark = pytest.mark.integration


def _ctx(agent_context, tmp_path, reply: str) -> AgentContext:
    client = LocalClient(
        paths=LocalModelPaths(tmp_path / "b", tmp_path / "a"), generate=lambda prompt, budget: (reply, 60, 30)
    )
    router = LLMRouter(llm_settings(agent_providers={"ratio": "local"}), clients={"local": client})
    return AgentContext(evidence=agent_context.evidence, router=router, session_factory=agent_context.session_factory)


def test_a_local_narrative_with_an_invented_number_keeps_the_engines_text(underwrite, agent_context, tmp_path):
    offline = underwrite(app())
    final = underwrite(app(), _ctx(agent_context, tmp_path, "PITI is $2,356.00 and the DTI is 33.00%."))
    assert final["ratio"].summary == offline["ratio"].summary and final["ratio"].facts == offline["ratio"].facts
    assert final["report"].recommendation == offline["report"].recommendation
    [error] = final["errors"]
    assert error.agent == "ratio" and "did not compute" in error.message
    assert {u.agent: u.status for u in final["usage"]}["ratio"] == "fallback"


def test_a_faithful_local_narrative_is_the_ratio_agents_text(underwrite, agent_context, tmp_path):
    facts = underwrite(app())["ratio"].facts
    reply = f"The back-end DTI is {facts['back_end_dti']}% and LTV {facts['ltv']}%."
    final = underwrite(app(), _ctx(agent_context, tmp_path, reply))
    assert final["ratio"].reasoning == reply and final["errors"] == []
    assert {u.agent: u.provider for u in final["usage"]}["ratio"] == "local"
