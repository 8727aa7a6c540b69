"""A 2-step LoRA run on 8 examples with the real base model (fetched at setup by `make distill-base`,
which `make test` runs), the saved adapter served through the `local` provider, and the CLI's messages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents.distill.base import BASE_NAME, require_base
from agents.distill.data import read_split, write_data
from agents.distill.train import TrainConfig, train
from core.llm.local import LocalClient, LocalModelPaths
from core.settings import PROJECT_ROOT, Settings

# where `make distill-base` saved it: the checkout's data folder, read before the session's own took its place
BASE_MODELS = Path(os.environ.get("LG_CHECKOUT_MODELS") or Settings(_env_file=None).model_cache_dir)


@pytest.fixture(scope="module")
def base_models():
    if not (BASE_MODELS / BASE_NAME / "config.json").is_file():
        pytest.skip(f"no base model under {BASE_MODELS}: run `make distill-base` (make test does)")
    return BASE_MODELS


@pytest.mark.slow
@pytest.mark.integration
def test_two_step_training_on_eight_examples_saves_an_adapter_and_card(base_models, tmp_path):
    report = write_data(tmp_path / "data", 10, seed=5)
    examples = read_split(tmp_path / "data", "train")[:8]
    out = tmp_path / "adapter"
    cfg = TrainConfig(max_steps=2, batch_size=4, max_length=192)
    result = train(examples, base_models, out, cfg, report.data_hash)
    assert result.steps == 2 and len(result.losses) == 2 and all(loss > 0 for loss in result.losses)
    assert (out / "adapter_config.json").is_file()
    assert (out / "adapter_model.safetensors").stat().st_size < 20_000_000  # a few MB, not a model
    card = json.loads((out / "model_card.json").read_text())
    assert card["data_hash"] == report.data_hash and card["steps"] == 2 and card["n_train"] == 8
    assert card["hyperparameters"]["rank"] == 16 and card["hyperparameters"]["target_modules"][0] == "q_proj"
    assert "Loss curve" in (out / "MODEL_CARD.md").read_text()
    # the adapter loads behind the seam and narrates (greedy, capped): whatever it says is measured, not trusted
    client = LocalClient(paths=LocalModelPaths(require_base(base_models), out), max_new_tokens=8)
    text, n_in, n_out, _ = client.narrate(examples[0]["prompt"], 30.0)
    assert n_in > 20 and 0 < n_out <= 8 and isinstance(text, str)


def _cli(*args, data_dir):
    env = {**os.environ, "DATA_DIR": str(data_dir), "TORCH_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "agents.distill", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.integration
def test_cli_says_what_to_run_when_the_base_or_data_is_missing(tmp_path):
    done = _cli("train", "--max-steps", "1", data_dir=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "base model not found" in done.stderr and "make distill-base" in done.stderr
    done = _cli("evaluate", "--limit", "1", data_dir=tmp_path)
    assert done.returncode == 1 and "run `python -m agents.distill make-data` first" in done.stderr


@pytest.mark.integration
def test_cli_make_data_is_deterministic(tmp_path):
    first = _cli("make-data", "--n", "40", "--seed", "9", data_dir=tmp_path / "a")
    again = _cli("make-data", "--n", "40", "--seed", "9", data_dir=tmp_path / "b")
    assert first.returncode == 0 and "34 train + 6 test" in first.stdout
    assert (tmp_path / "a/distill/train.jsonl").read_bytes() == (tmp_path / "b/distill/train.jsonl").read_bytes()
    assert again.returncode == 0
