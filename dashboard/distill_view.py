"""The local Ratio narrator's last evaluation (DATA_DIR/distill/evaluation.json) as a table for the RAGAS page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

COLUMNS = {
    "number_faithfulness": "Number faithfulness",
    "verdict_agreement": "Verdict agreement",
    "limit_coverage": "Limit coverage",
    "rouge_l": "ROUGE-L",
    "semantic_similarity": "Semantic similarity",
    "judged_quality": "Judged quality",
    "tokens_per_s": "Tokens/s",
    "latency_ms_mean": "Latency (ms)",
    "quality": "Quality",
    "n": "n",
}
LABELS = {
    "base": "Base (SmolLM2-135M)",
    "student": "Student (+ LoRA)",
    "teacher": "Teacher",
    "offline_narrator": "Teacher (offline narrator)",
}


def load_results(data_dir: Path) -> dict | None:
    """The stored evaluation, None when there is none; ValueError when the file is unreadable."""
    path = data_dir / "distill" / "evaluation.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["models"].items()
    except (json.JSONDecodeError, KeyError, AttributeError, TypeError) as err:
        raise ValueError(
            f"{path} is not a distillation evaluation ({type(err).__name__}); rerun `make distill`"
        ) from err
    return data


def results_frame(results: dict) -> pd.DataFrame:
    rows = []
    for name, row in results["models"].items():
        rows.append({"Model": LABELS.get(name, name), **{label: row.get(key) for key, label in COLUMNS.items()}})
    frame = pd.DataFrame(rows)
    return frame.dropna(axis=1, how="all")


def headline(results: dict) -> str:
    share = (results.get("headline") or {}).get("student_share_of_teacher")
    training = results.get("training") or {}
    parts = [f"{results.get('n')} held-apart test cases, evaluated {results.get('evaluated_at', '?')}"]
    if share is not None:
        parts.insert(0, f"Student quality is **{share:.0%}** of the teacher's")
    if training.get("wall_s"):
        parts.append(
            f"training took {training['wall_s'] / 60:.0f} min ({training.get('steps')} steps, "
            f"{training.get('device', 'cpu')})"
        )
    return "; ".join(parts) + "."
