"""`evaluate`: the base model, the fine-tuned student and the teacher on the held-apart test split.

Rows: `base` (SmolLM2 alone), `student` (with the adapter), `teacher` when DISTILL_TEACHER names a
provider, else `offline_narrator` (the deterministic narrator that wrote the targets: its ROUGE-L
and similarity to itself are 1 by construction). Results go to DATA_DIR/distill/evaluation.json,
which docs/local-narrator.md and the RAGAS page's agent view read. Headline: the student's quality
(mean of number faithfulness, verdict agreement and limit coverage, the judged score when a judge
is configured) as a share of the teacher's.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from pathlib import Path

import numpy as np

from agents.distill.base import adapter_dir, base_dir, require_base
from agents.distill.data import TEACHER_SYSTEM, TeacherNarrative, read_split
from agents.distill.judge import judge_scores
from agents.distill.metrics import limit_coverage, number_faithful, verdict_agrees
from agents.distill.teacher import teacher_client
from core.errors import LLMError
from core.llm.local import LocalClient, LocalModelPaths, check_paths
from core.settings import Settings

logger = logging.getLogger(__name__)

QUALITY = ("number_faithfulness", "verdict_agreement", "limit_coverage")


def _local_outputs(client: LocalClient, tests: list[dict], timeout_s: float) -> list[dict]:
    outs = []
    for i, e in enumerate(tests, 1):
        text, _, n_out, ms = client.narrate(e["prompt"], timeout_s)
        outs.append({"text": text, "tokens": n_out, "ms": ms})
        if i % 10 == 0:
            logger.info("%s: %d/%d narratives", client.model, i, len(tests))
    return outs


def _teacher_outputs(settings: Settings, tests: list[dict]) -> tuple[str, list[dict]]:
    client = teacher_client(settings)
    if client is None:
        return "offline_narrator", [{"text": e["target"], "tokens": None, "ms": 0.0} for e in tests]
    outs = []
    for e in tests:
        started = time.perf_counter()
        try:
            result = client.complete_json(
                system=TEACHER_SYSTEM, user=e["prompt"], schema=TeacherNarrative, timeout_s=settings.llm_timeout_s
            )
            text, tokens = result.value.narrative, result.usage.tokens_out
        except LLMError as err:
            logger.warning("teacher failed on %s: %s", e["id"], err)
            text, tokens = "", 0
        outs.append({"text": text, "tokens": tokens, "ms": (time.perf_counter() - started) * 1000})
    return "teacher", outs


def score(tests: list[dict], outs: list[dict], similarity: list[float]) -> dict:
    from rouge_score import rouge_scorer

    rouge = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    covered = [c for c in (limit_coverage(o["text"], e["case"]) for e, o in zip(tests, outs)) if c is not None]
    timed = [o for o in outs if o["tokens"] is not None]
    seconds = sum(o["ms"] for o in timed) / 1000
    row = {
        "n": len(tests),
        "number_faithfulness": _mean([number_faithful(o["text"], e["prompt"]) for e, o in zip(tests, outs)]),
        "verdict_agreement": _mean([verdict_agrees(o["text"], e["case"]["verdict"]) for e, o in zip(tests, outs)]),
        "limit_coverage": _mean(covered),
        "rouge_l": _mean([rouge.score(e["target"], o["text"])["rougeL"].fmeasure for e, o in zip(tests, outs)]),
        "semantic_similarity": _mean(similarity),
        "tokens_per_s": round(sum(o["tokens"] for o in timed) / seconds, 2) if timed and seconds > 0 else None,
        "latency_ms_mean": round(statistics.fmean(o["ms"] for o in timed), 1) if timed else None,
        "examples": [{"id": e["id"], "text": o["text"]} for e, o in list(zip(tests, outs))[:3]],
    }
    row["quality"] = _mean([row[k] for k in QUALITY])
    return row


def _mean(values: list) -> float:
    return round(float(statistics.fmean(float(v) for v in values)), 4) if values else 0.0


def _similarity(embedder, targets: np.ndarray, outs: list[dict]) -> list[float]:
    """Cosine between each narrative and its teacher target (`targets`: the targets' vectors)."""
    b = embedder.embed_documents([o["text"] or " " for o in outs])
    return [float(x) for x in np.sum(targets * b, axis=1)]


def evaluate(
    settings: Settings,
    out: Path,
    *,
    limit: int | None = None,
    models: list[str] | tuple[str, ...] = ("base", "student", "teacher"),
) -> dict:
    """Score the requested rows; rows already in evaluation.json for the same test data are kept."""
    tests = read_split(out, "test")[:limit]
    path = out / "evaluation.json"
    previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    keep = previous.get("n") == len(tests) and previous.get("data_hash") == _manifest(out).get("data_hash")
    results = {k: v for k, v in previous.get("models", {}).items() if keep}
    models_dir = settings.model_cache_dir
    from rag.embeddings import build_embedder  # the project's bundled MiniLM, loaded once for every row

    embedder = build_embedder(settings)
    targets = embedder.embed_documents([e["target"] for e in tests])
    for name in models:
        if name == "teacher":
            key, outs = _teacher_outputs(settings, tests)
        else:
            adapter = adapter_dir(models_dir) if name == "student" else None
            paths = LocalModelPaths(require_base(models_dir), adapter)
            try:
                check_paths(paths)
            except LLMError as err:
                raise_distill(err)
            client = LocalClient(
                paths=paths, max_new_tokens=settings.local_max_new_tokens, threads=settings.torch_threads
            )
            key, outs = name, _local_outputs(client, tests, settings.llm_timeout_s)
        row = score(tests, outs, _similarity(embedder, targets, outs))
        _dump(out / f"narratives_{key}.jsonl", tests, outs)
        judged = judge_scores(settings, tests, outs)
        if judged is not None:
            row["judged_quality"] = judged
        results[key] = row
        summary = _summary(results, tests, out, models_dir)  # written after each row: a long run keeps its rows
        path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    summary = _summary(results, tests, out, models_dir)
    return summary["models"] | {"headline": summary["headline"]}


def _dump(path: Path, tests: list[dict], outs: list[dict]) -> None:
    """Every narrative next to its target, for reading what a score hides."""
    rows = [{"id": e["id"], "verdict": e["case"]["verdict"], "target": e["target"], **o} for e, o in zip(tests, outs)]
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")


def raise_distill(err: LLMError) -> None:
    from agents.distill.base import DistillError

    raise DistillError(str(err)) from err


def _manifest(out: Path) -> dict:
    path = out / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _summary(results: dict, tests: list[dict], out: Path, models_dir: Path) -> dict:
    card_path = adapter_dir(models_dir) / "model_card.json"
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
    teacher = results.get("teacher") or results.get("offline_narrator")
    student = results.get("student")
    headline = None
    if teacher and student and teacher["quality"]:
        headline = round(student["quality"] / teacher["quality"], 4)
    return {
        "n": len(tests),
        "data_hash": _manifest(out).get("data_hash"),
        "models": results,
        "headline": {
            "student_share_of_teacher": headline,
            "teacher": "teacher" if "teacher" in results else "offline_narrator",
        },
        "training": {k: card.get(k) for k in ("wall_s", "steps", "hyperparameters", "trained_at", "device")},
        "base_model": base_dir(models_dir).name,
        "evaluated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def format_table(results: dict) -> str:
    """The evaluation as a Markdown table with the headline line under it (the CLI prints it)."""
    cols = (
        "n",
        "number_faithfulness",
        "verdict_agreement",
        "limit_coverage",
        "rouge_l",
        "semantic_similarity",
        "tokens_per_s",
        "latency_ms_mean",
        "quality",
    )
    lines = ["| model | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    lines += [
        f"| {name} | " + " | ".join(str(row.get(c)) for c in cols) + " |"
        for name, row in results.items()
        if name != "headline"
    ]
    lines.append(f"student quality as a share of the teacher's: {results['headline']['student_share_of_teacher']}")
    return "\n".join(lines)
