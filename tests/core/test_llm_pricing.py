"""Token cost arithmetic against the price table kept as data."""

import json
import logging

import pytest

from core.llm import cost_usd, estimate_tokens
from core.llm.pricing import PRICES_PATH, load_prices

pytestmark = pytest.mark.unit


def test_gpt_4o_mini_per_million_arithmetic():
    # 0.15 USD / 1M in, 0.60 USD / 1M out
    assert cost_usd("openai", "gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert cost_usd("openai", "gpt-4o-mini", 1000, 500) == pytest.approx(0.00045)


def test_gpt_4o():
    assert cost_usd("openai", "gpt-4o", 2000, 1000) == pytest.approx(2000 * 2.5e-6 + 1000 * 10e-6)


@pytest.mark.parametrize(
    ("model", "priced_as"),
    [("gpt-4o-mini-2024-07-18", "gpt-4o-mini"), ("gpt-4o-2024-08-06", "gpt-4o")],
)
def test_dated_snapshots_take_the_longest_listed_prefix(model, priced_as):
    assert cost_usd("openai", model, 1000, 1000) == cost_usd("openai", priced_as, 1000, 1000)


def test_bedrock_models_and_cross_region_prefix():
    sonnet = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert cost_usd("bedrock", sonnet, 1_000_000, 1_000_000) == pytest.approx(18.0)
    assert cost_usd("bedrock", "us." + sonnet, 1000, 0) == cost_usd("bedrock", sonnet, 1000, 0)
    assert cost_usd("bedrock", "meta.llama3-1-8b-instruct-v1:0", 1_000_000, 0) > 0


def test_ollama_is_free():
    assert cost_usd("ollama", "llama3.1", 10_000, 10_000) == 0.0


def test_unlisted_model_costs_zero_and_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="core.llm.pricing"):
        assert cost_usd("openai", "o9-ultra-unlisted", 1000, 1000) == 0.0
    assert "o9-ultra-unlisted" in caplog.text


@pytest.mark.parametrize(("text", "tokens"), [("", 0), ("abc", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100)])
def test_estimate_is_ceil_of_quarter_length(text, tokens):
    assert estimate_tokens(text) == tokens


def test_bundled_table_lists_every_default_model():
    table = json.loads(PRICES_PATH.read_text())
    assert {"gpt-4o", "gpt-4o-mini"} <= set(table["providers"]["openai"])
    assert any(m.startswith("anthropic.") for m in table["providers"]["bedrock"])
    assert any(m.startswith("meta.") for m in table["providers"]["bedrock"])
    assert "note" in table["default"] and table["default"]["input"] == 0


def test_malformed_table_names_the_file(tmp_path):
    bad = tmp_path / "prices.json"
    bad.write_text('{"providers": {"openai": {"gpt-4o": {"input": 1}}}}')
    with pytest.raises(ValueError, match="prices.json"):
        load_prices(bad)
