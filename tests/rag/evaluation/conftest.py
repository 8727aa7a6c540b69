"""A small eval set drawn from the real one: two answerable questions and one unanswerable."""

from __future__ import annotations

import json

import pytest

from rag.evaluation.dataset import DEFAULT_DATASET

SMALL_IDS = ("q001", "q003", "q046")


@pytest.fixture
def small_dataset(tmp_path):
    raw = json.loads(DEFAULT_DATASET.read_text(encoding="utf-8"))
    raw["questions"] = [q for q in raw["questions"] if q["id"] in SMALL_IDS]
    path = tmp_path / "small_eval.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path
