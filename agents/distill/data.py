"""`make-data`: Ratio cases with a teacher's narrative, split into train and a held-apart test set.

The teacher is the provider DISTILL_TEACHER names (openai, ollama, bedrock), called through the LLM
seam, or offline the deterministic narrator. A teacher narrative that states a number not in the
prompt is replaced by the offline one (the student must learn faithful targets). If the teacher
fails (timeout, HTTP error, junk), the failing example is named, that example and every later one
use the offline narrator (a failing provider is not retried 500 times), and the manifest says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from agents.distill.applications import RatioCase, make_case
from agents.distill.narrator import narrate_offline
from core.errors import LLMError
from core.llm.local_prompt import SYSTEM, build_prompt
from core.llm.numbers import unsupported_numbers
from core.llm.types import LLMClient

logger = logging.getLogger(__name__)

TEST_SHARE = 0.15  # held apart by case: no test application is ever seen in training
TEACHER_SYSTEM = SYSTEM + " Write two or three sentences; copy each figure exactly as written in the input."


class TeacherNarrative(BaseModel):
    narrative: str = Field(description="two or three sentences for the loan officer")


@dataclass
class DataReport:
    n_train: int
    n_test: int
    data_hash: str
    teacher: str
    sources: dict[str, int]
    teacher_error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def prompt_of(case: RatioCase) -> str:
    program = "" if case.verdict == "COMPUTED" else case.program  # as the Ratio node sends it at run time
    return build_prompt(case.verdict, case.figures, list(case.limits), program)


def make_examples(
    n: int, seed: int, teacher: LLMClient | None = None, timeout_s: float = 30.0
) -> tuple[list[dict], str | None]:
    """n examples (case, prompt, target, source); and the teacher's failure, if it failed."""
    rng = random.Random(seed)
    examples, failure = [], None
    for index in range(n):
        case = make_case(rng, index)
        prompt, target = prompt_of(case), narrate_offline(case, rng)
        source = "offline"
        if teacher is not None and failure is None:
            try:
                told = teacher.complete_json(
                    system=TEACHER_SYSTEM, user=prompt, schema=TeacherNarrative, timeout_s=timeout_s
                ).value.narrative.strip()
            except LLMError as err:
                failure = f"teacher {teacher.provider} failed at {case.case_id} ({index + 1} of {n}): {err}"
                logger.warning("%s; this and the remaining examples use the offline narrator", failure)
            else:
                if told and not unsupported_numbers(told, prompt):
                    target, source = told, teacher.provider
        examples.append(
            {"id": case.case_id, "case": asdict(case), "prompt": prompt, "target": target, "source": source}
        )
    return examples, failure


def split(examples: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    order = list(range(len(examples)))
    random.Random(f"split-{seed}").shuffle(order)
    n_test = max(1, round(len(examples) * TEST_SHARE)) if len(examples) > 1 else 0
    test_ids = set(order[:n_test])
    train = [e for i, e in enumerate(examples) if i not in test_ids]
    return train, [e for i, e in enumerate(examples) if i in test_ids]


def _lines(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def write_data(out: Path, n: int, seed: int, teacher: LLMClient | None = None, timeout_s: float = 30.0) -> DataReport:
    """Write train.jsonl, test.jsonl and manifest.json under `out`; identical bytes for the same seed."""
    examples, failure = make_examples(n, seed, teacher, timeout_s)
    train, test = split(examples, seed)
    out.mkdir(parents=True, exist_ok=True)
    train_bytes, test_bytes = _lines(train), _lines(test)
    (out / "train.jsonl").write_bytes(train_bytes)
    (out / "test.jsonl").write_bytes(test_bytes)
    sources: dict[str, int] = {}
    counts: dict[str, int] = {}
    for e in examples:
        sources[e["source"]] = sources.get(e["source"], 0) + 1
        key = f"{e['case']['program']}/{e['case']['verdict']}"
        counts[key] = counts.get(key, 0) + 1
    report = DataReport(
        n_train=len(train),
        n_test=len(test),
        data_hash=data_hash(train_bytes, test_bytes),
        teacher=teacher.provider if teacher else "offline",
        sources=sources,
        teacher_error=failure,
        counts=dict(sorted(counts.items())),
    )
    manifest = {**asdict(report), "n": n, "seed": seed}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return report


def data_hash(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()[:16]


def read_split(out: Path, name: str) -> list[dict]:
    path = out / f"{name}.jsonl"
    if not path.is_file():
        from agents.distill.base import DistillError

        raise DistillError(f"no {name} split at {path}: run `python -m agents.distill make-data` first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
