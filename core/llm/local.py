"""The `local` provider: SmolLM2-135M plus the Ratio narrator's LoRA adapter, in this process.

Loaded once per process (under a lock) on first use, greedy decoding with a token cap and the
call's time budget. Like every provider it writes only the narrative, and its reply passes the same
guard as theirs (agents/narrative_guard.py: a number not in the engine's input, or a comparison its
own figures contradict, keeps the engine's text and records why). A missing base model or a missing or
corrupt adapter is an LLMProviderError naming what to run; the pipeline then keeps its offline narrative.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from core.errors import LLMInvalidOutput, LLMProviderError
from core.llm.local_prompt import SYSTEM, prompt_from_agent_input
from core.llm.types import LLMResult, LLMUsage
from core.settings import Settings

logger = logging.getLogger(__name__)

# (prompt, time budget in s) -> (reply, tokens in, tokens out)
Generate = Callable[[str, float], tuple[str, int, int]]
BASE_HINT = "run `make distill-base` (or `python -m agents.distill fetch-base`)"
ADAPTER_HINT = "run `make distill` (or `python -m agents.distill train`)"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z$])")


@dataclass(frozen=True)
class LocalModelPaths:
    base: Path
    adapter: Path | None  # None: the base alone (evaluation's "base" row), never for serving


def check_paths(paths: LocalModelPaths) -> None:
    """Raise LLMProviderError with the fix when the base or the adapter is missing or unreadable."""
    if paths.adapter is not None:
        config, weights = paths.adapter / "adapter_config.json", paths.adapter / "adapter_model.safetensors"
        if not config.is_file() or not weights.is_file():
            raise LLMProviderError(f"local narrator: no LoRA adapter at {paths.adapter}: {ADAPTER_HINT}")
        try:
            from safetensors import safe_open

            with safe_open(str(weights), framework="pt") as handle:
                if not list(handle.keys()):
                    raise ValueError("no tensors")
        except Exception as err:  # safetensors raises several types for a damaged file
            raise LLMProviderError(
                f"local narrator: the adapter at {paths.adapter} is corrupt ({type(err).__name__}): {ADAPTER_HINT}"
            ) from err
    if not (paths.base / "config.json").is_file() or not any(paths.base.glob("*.safetensors")):
        raise LLMProviderError(f"local narrator: base model not found at {paths.base}: {BASE_HINT}")


class _Loaded:
    """One process-wide model per (base, adapter): loading takes seconds and ~600 MB."""

    _lock = threading.Lock()
    _models: dict[LocalModelPaths, Generate] = {}

    @classmethod
    def generator(cls, paths: LocalModelPaths, max_new_tokens: int, threads: int) -> Generate:
        with cls._lock:
            if paths not in cls._models:
                check_paths(paths)
                cls._models[paths] = _load(paths, max_new_tokens, threads)
            return cls._models[paths]


def _load(paths: LocalModelPaths, max_new_tokens: int, threads: int) -> Generate:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(threads)
    try:
        tokenizer = AutoTokenizer.from_pretrained(paths.base)
        model = AutoModelForCausalLM.from_pretrained(paths.base)
        if paths.adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, paths.adapter).merge_and_unload()
    except (OSError, ValueError, RuntimeError, KeyError) as err:
        raise LLMProviderError(
            f"local narrator could not load {paths.adapter or paths.base}: "
            f"{type(err).__name__}: {str(err).splitlines()[0][:160]}"
        ) from err
    model.eval()  # type: ignore[no-untyped-call]  # transformers' model classes are untyped
    gen_lock = threading.Lock()  # one generation at a time: torch threads are shared anyway

    def generate(prompt: str, budget_s: float) -> tuple[str, int, int]:
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)
        with gen_lock, torch.inference_mode():
            out = model.generate(
                **ids,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                max_time=budget_s,
                pad_token_id=tokenizer.eos_token_id,
            )
        new = out[0][ids["input_ids"].shape[1] :]
        return str(tokenizer.decode(new, skip_special_tokens=True)).strip(), int(ids["input_ids"].shape[1]), len(new)

    return generate


class LocalClient:
    """`LLMClient` for the in-process narrator. `generate` may be injected (tests); else loaded lazily."""

    provider = "local"

    def __init__(
        self, *, paths: LocalModelPaths, max_new_tokens: int = 96, threads: int = 1, generate: Generate | None = None
    ) -> None:
        self.paths = paths
        self.model = paths.base.name + (f"+{paths.adapter.name}" if paths.adapter else "")
        self._max_new_tokens, self._threads, self._generate = max_new_tokens, threads, generate

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalClient:
        models = settings.model_cache_dir
        paths = LocalModelPaths(models / settings.local_base_model, models / settings.local_adapter)
        return cls(paths=paths, max_new_tokens=settings.local_max_new_tokens, threads=settings.torch_threads)

    def narrate(self, prompt: str, timeout_s: float) -> tuple[str, int, int, float]:
        """(reply, tokens in, tokens out, latency ms) for a compact prompt, unguarded (evaluation)."""
        generate = self._generate or _Loaded.generator(self.paths, self._max_new_tokens, self._threads)
        started = time.perf_counter()
        text, n_in, n_out = generate(prompt, timeout_s)
        return text, n_in, n_out, (time.perf_counter() - started) * 1000

    def complete_json(self, *, system: str, user: str, schema: type[BaseModel], timeout_s: float) -> LLMResult:
        try:
            prompt = prompt_from_agent_input(user)
        except ValueError as err:
            raise LLMInvalidOutput(str(err)) from err
        text, n_in, n_out, latency_ms = self.narrate(prompt, timeout_s)
        usage = LLMUsage(self.provider, self.model, n_in, n_out, cost_usd=0.0, latency_ms=latency_ms)
        if not text:
            raise LLMInvalidOutput("local narrator returned an empty reply", usage=usage)
        summary = _SENTENCE_END.split(text, maxsplit=1)[0]
        try:
            value = schema.model_validate({"summary": summary, "reasoning": text, "quotes": []})
        except ValidationError as err:
            raise LLMInvalidOutput(
                f"local narrator writes summary and reasoning only, not {schema.__name__}", usage=usage
            ) from err
        return LLMResult(value=value, usage=usage, raw_text=text)
