"""make-data: deterministic for a seed, every program and outcome, a held-apart test split, and a teacher
that fails mid-way (the examples so far are kept, the rest use the offline narrator, the failure is named)."""

import json
import random
from dataclasses import dataclass, field

import pytest

from agents.distill.applications import PAIRS, make_case
from agents.distill.data import prompt_of, write_data
from agents.distill.metrics import limit_coverage, number_faithful, verdict_agrees
from agents.distill.narrator import narrate_offline
from core.errors import LLMProviderError
from core.llm.types import LLMResult, LLMUsage

pytestmark = pytest.mark.unit


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a = write_data(tmp_path / "a", 60, seed=3)
    b = write_data(tmp_path / "b", 60, seed=3)
    c = write_data(tmp_path / "c", 60, seed=4)
    for name in ("train.jsonl", "test.jsonl", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a.data_hash == b.data_hash != c.data_hash
    assert (a.n_train, a.n_test) == (51, 9)


def test_every_program_and_outcome_and_a_disjoint_test_split(tmp_path):
    report = write_data(tmp_path, 600, seed=0)
    assert report.n_train >= 500
    got = {tuple(k.split("/")) for k in report.counts}
    assert set(PAIRS) <= got and any(v == "COMPUTED" for _, v in got)
    train = (tmp_path / "train.jsonl").read_text().splitlines()
    test = (tmp_path / "test.jsonl").read_text().splitlines()
    assert not {json.loads(x)["id"] for x in train} & {json.loads(x)["id"] for x in test}


def test_offline_targets_pass_their_own_measures(tmp_path):
    rng = random.Random(1)
    for index in range(84):
        case = make_case(rng, index)
        text, prompt = narrate_offline(case, rng), prompt_of(case)
        assert number_faithful(text, prompt), text
        assert verdict_agrees(text, case.verdict), (case.verdict, text)
        assert limit_coverage(text, case.__dict__) in (None, 1.0), text


@dataclass
class FlakyTeacher:
    """Answers `good` times (the last of them with an invented number), then fails like a dropped provider."""

    good: int
    provider: str = "ollama"
    model: str = "llama3.1"
    calls: list[str] = field(default_factory=list)

    def complete_json(self, *, system, user, schema, timeout_s):
        self.calls.append(user)
        if len(self.calls) > self.good:
            raise LLMProviderError("ollama unreachable at http://127.0.0.1:11434/v1: connection refused")
        first = user.splitlines()[1]  # "PITI $2,850.44": a figure of this very prompt
        text = f"Teacher note: {first}." if len(self.calls) < self.good else "DTI is 99.99%, approved."
        return LLMResult(
            value=schema(narrative=text), usage=LLMUsage("ollama", "llama3.1", 5, 5, 0.0, 1.0), raw_text=text
        )


def test_teacher_failing_midway_keeps_what_it_has_and_names_the_example(tmp_path):
    teacher = FlakyTeacher(good=4)
    report = write_data(tmp_path, 20, seed=0, teacher=teacher)
    assert len(teacher.calls) == 5  # not asked again after it failed
    assert report.sources == {"ollama": 3, "offline": 17}  # the 4th reply invented 99.99: offline target
    assert report.teacher_error.startswith("teacher ollama failed at case-00004 (5 of 20): ollama unreachable")
    assert (tmp_path / "manifest.json").is_file() and report.n_train + report.n_test == 20
