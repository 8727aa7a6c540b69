"""The `local` provider: routing, the number checks its guard uses, and a clear fallback when its files are
missing or bad.

The generation is injected here (no model load); tests/agents/test_distill_train.py loads the real one.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel

from core.errors import LLMProviderError
from core.llm import LLMRouter, narrate
from core.llm.local import LocalClient, LocalModelPaths, check_paths
from core.llm.local_prompt import build_prompt, prompt_from_agent_input
from core.llm.numbers import false_comparisons, numbers_in, unsupported_numbers
from core.llm.router import build_clients, pii_violations
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
    "cltv": "80.00",
}
USER = json.dumps({"verdict": "COMPUTED", "facts": FACTS, "passages": [], "findings": []})


class Narrative(BaseModel):
    summary: str
    reasoning: str
    quotes: list[str] = []


FALLBACK = Narrative(summary="engine summary", reasoning="engine reasoning")


def _client(reply: str, tmp_path: Path) -> LocalClient:
    paths = LocalModelPaths(tmp_path / "base", tmp_path / "adapter")
    return LocalClient(paths=paths, generate=lambda prompt, budget: (reply, 40, 12))


def _router(client: LocalClient) -> LLMRouter:
    return LLMRouter(llm_settings(agent_providers={"ratio": "local"}), clients={"local": client})


def test_numbers_match_across_formats():
    assert numbers_in("PITI $2,850.44, DTI 43.0%") == [Decimal("2850.44"), Decimal("43.0")]
    assert unsupported_numbers("DTI 43% is 0.43 or 43.00; $11,500 income", "dti 43.00 income 11500") == []
    assert unsupported_numbers("DTI 47.5%", "dti 43.00") == [Decimal("47.5")]


def test_compact_prompt_from_the_ratio_nodes_input():
    prompt = prompt_from_agent_input(USER)
    assert prompt == build_prompt("COMPUTED", FACTS, [])
    assert prompt.splitlines()[:3] == ["COMPUTED", "PITI $2,850.44", "income $11,500"]


def test_a_faithful_local_narrative_is_used(tmp_path):
    reply = "PITI is $2,850.44 on income of $11,500 (24.79%). DTI is 30.44%, LTV 80.00%."
    told = narrate(
        _router(_client(reply, tmp_path)), "ratio", system="s", user=USER, schema=Narrative, fallback=FALLBACK
    )
    assert told.status == "ok" and told.error is None
    assert told.value.summary == "PITI is $2,850.44 on income of $11,500 (24.79%)."
    assert told.value.reasoning == reply
    assert told.usage.provider == "local" and told.usage.tokens_out == 12 and told.usage.cost_usd == 0.0


def test_the_client_leaves_the_number_guard_to_the_node(tmp_path):
    """A wrong figure is not the provider's to catch: every provider's narrative passes one guard in the node
    (agents/narrative_guard.py; tests/agents/test_distill_serving.py shows it discarding this one)."""
    client = _client("PITI is $2,850.44 and the DTI is 47.5%, within limits.", tmp_path)
    told = client.complete_json(system="s", user=USER, schema=Narrative, timeout_s=5)
    assert told.value.reasoning == "PITI is $2,850.44 and the DTI is 47.5%, within limits."


@pytest.mark.parametrize(
    ("text", "false"),
    [
        (
            "DTI 33.79% is above the most the USDA program allows, 41%.",
            ["33.79% is above the most the USDA program allows, 41%"],
        ),
        ("LTV 98% is within the 97% limit.", ["98% is within the 97%"]),
        ("DTI 45.2% exceeds the 43% maximum.", []),
        ("LTV 80% is within the 97% limit; DTI 30.44% is below 43%.", []),
        ("PITI $2,850.44 is 30.44% of income $9,365.", []),  # no comparison word
        ("Reserves of 2 months are below the 6 months required.", []),
        ("Income $9,000 is above 43%.", []),  # a dollar figure and a percentage are not compared
    ],
)
def test_false_comparisons(text, false):
    assert false_comparisons(text) == false


def test_missing_base_model_says_what_to_run(tmp_path):
    (tmp_path / "adapter").mkdir()
    (tmp_path / "adapter" / "adapter_config.json").write_text("{}")
    _write_tiny_safetensors(tmp_path / "adapter" / "adapter_model.safetensors")
    with pytest.raises(LLMProviderError, match=r"base model not found .*make distill-base"):
        check_paths(LocalModelPaths(tmp_path / "base", tmp_path / "adapter"))
    client = LocalClient(paths=LocalModelPaths(tmp_path / "base", tmp_path / "adapter"))
    told = narrate(_router(client), "ratio", system="s", user=USER, schema=Narrative, fallback=FALLBACK)
    assert told.status == "fallback" and told.value == FALLBACK and "make distill-base" in told.error


def test_missing_adapter_says_what_to_run(tmp_path):
    with pytest.raises(LLMProviderError, match=r"no LoRA adapter .*make distill"):
        check_paths(LocalModelPaths(tmp_path / "base", tmp_path / "missing"))


def test_corrupt_adapter_is_refused(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    (adapter / "adapter_model.safetensors").write_bytes(b"\x00garbage, not safetensors" * 10)
    client = LocalClient(paths=LocalModelPaths(tmp_path / "base", adapter))
    told = narrate(_router(client), "ratio", system="s", user=USER, schema=Narrative, fallback=FALLBACK)
    assert told.status == "fallback" and told.value == FALLBACK
    assert "corrupt" in told.error and "make distill" in told.error


def test_router_builds_the_local_client_without_loading_a_model(tmp_path):
    settings = llm_settings(agent_providers={"ratio": "local"}, data_dir=tmp_path)
    clients = build_clients(settings)
    assert set(clients) == {"local"} and clients["local"].model == "smollm2-135m-instruct+ratio-narrator-lora"
    assert LLMRouter(settings, clients=clients).routes()["ratio"].startswith("local/")


def test_production_allows_the_in_process_provider(tmp_path):
    settings = llm_settings(app_env="production", agent_providers={"ratio": "local"}, data_dir=tmp_path)
    assert pii_violations(settings) == {}
    LLMRouter(settings, clients={"local": LocalClient.from_settings(settings)})  # no egress refusal


def _write_tiny_safetensors(path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    save_file({"w": torch.zeros(2)}, str(path))
