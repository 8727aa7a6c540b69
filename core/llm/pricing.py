"""Token prices kept as data (seed_data/llm_prices.json) and the arithmetic that turns usage into USD."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

PRICES_PATH = PROJECT_ROOT / "seed_data" / "llm_prices.json"
_PER = 1_000_000  # the table's unit: USD per 1M tokens, as the providers publish them
# Bedrock cross-region inference profiles prefix the model id; the price is the model's.
_REGION_PREFIXES = ("us.", "eu.", "apac.")
# Rough English average for BPE tokenizers; only used when a provider reports no usage.
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class Price:
    input_per_1m: float
    output_per_1m: float
    listed: bool = True  # False: fell through to the table's default


@dataclass(frozen=True)
class PriceTable:
    providers: dict[str, dict[str, Price]]
    default: Price

    def price_for(self, provider: str, model: str) -> Price:
        """Exact id, else the longest listed id that `model` starts with, else '*', else default."""
        table = self.providers.get(provider, {})
        for key in (model, _without_region(model)):
            if key in table:
                return table[key]
        prefixes = [k for k in table if k != "*" and _without_region(model).startswith(k)]
        if prefixes:
            return table[max(prefixes, key=len)]
        return table.get("*", self.default)

    def cost_usd(self, provider: str, model: str, tokens_in: int, tokens_out: int) -> float:
        price = self.price_for(provider, model)
        if not price.listed:
            _warn_unpriced(provider, model)
        return (tokens_in * price.input_per_1m + tokens_out * price.output_per_1m) / _PER


def load_prices(path: Path = PRICES_PATH) -> PriceTable:
    """Read a price table file; raises ValueError naming the file if it is malformed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        providers = {
            name: {model: _price(entry) for model, entry in models.items()} for name, models in raw["providers"].items()
        }
        default = _price(raw["default"], listed=False)
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{path}: not a valid price table ({err})") from err
    return PriceTable(providers=providers, default=default)


@lru_cache(maxsize=1)
def default_prices() -> PriceTable:
    """The bundled table, read on first use."""
    return load_prices(PRICES_PATH)


def cost_usd(provider: str, model: str, tokens_in: int, tokens_out: int) -> float:
    """USD for one call at the bundled table's prices (0 for local or unlisted models)."""
    return default_prices().cost_usd(provider, model, tokens_in, tokens_out)


def estimate_tokens(text: str) -> int:
    """ceil(len/4): a stand-in when a provider's reply carries no token counts."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _price(entry: dict[str, Any], *, listed: bool = True) -> Price:
    return Price(float(entry["input"]), float(entry["output"]), listed=listed)


def _without_region(model: str) -> str:
    for prefix in _REGION_PREFIXES:
        if model.startswith(prefix):
            return model[len(prefix) :]
    return model


@lru_cache(maxsize=64)
def _warn_unpriced(provider: str, model: str) -> None:
    """Warn once per model: an unlisted paid model would otherwise look free on the dashboard."""
    logger.warning(
        "no price listed for %s model %r; counting its cost as 0 (edit %s)", provider, model, PRICES_PATH.name
    )
