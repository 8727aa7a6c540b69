"""One bad row never stops a batch (issue 22, points 5-7): each row is checked and stored on its own,
refusals are streamed to disk, and workers do not outlive a killed batch process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from agents.batch.refusals import KEEP
from agents.batch.runner import parse_rows
from core.settings import PROJECT_ROOT
from tests.agents.batch.support import _samples
from tests.conftest import seeded_clone

DB = "lg_batch_hard"
hard_engine = seeded_clone(DB)


def _jsonl(path, lines: list[str]):
    path.write_text("".join(line + "\n" for line in lines))
    return path


def _bad_rows(application: dict) -> list[str]:
    """JSON text the json module would never write: a 5,000-digit credit score, NUL and lone-surrogate
    escapes in the monitoring section, a giant exponent."""

    def row(raw: str, **changes) -> str:
        return json.dumps({**application, "application_id": "HARD-BAD", **changes}).replace('"RAW"', raw)

    return [
        row("7" * 5000, credit_score="RAW"),
        row('"\\u0000"', monitoring={"race": "RAW"}),
        row('"\\ud800"', monitoring={"race": "RAW"}),
        row("1e9999999", term_months="RAW"),
    ]


@pytest.mark.unit
def test_every_kind_of_bad_row_is_that_rows_refusal(tmp_path):
    application, _ = _samples()[0]
    lines = [json.dumps({**application, "application_id": "HARD-OK", "monitoring": {"race": "White", "age": 41.5}})]
    path = _jsonl(tmp_path / "bad.jsonl", lines + _bad_rows(application))
    valid, refused, total = parse_rows(path, source="application")
    assert total == 5 and [n for n, _, _ in valid] == [1] and valid[0][2] == {"race": "White", "age": "41.5"}
    errors = {r["row"]: r["errors"] for r in refused}
    assert errors[2] == {"credit_score": "has too many digits (at most 30)"}
    assert (
        errors[3]
        == errors[4]
        == {"monitoring.race": "must not contain control, zero-width or other invisible characters"}
    )
    assert errors[5] == {"term_months": "must be between 1 and 480"}


@pytest.mark.unit
def test_refusals_are_streamed_to_disk_and_only_the_first_are_held(tmp_path):
    path = tmp_path / "junk.jsonl"
    path.write_text("junk\n" * (3 * KEEP) + "[1]\n" + "junk\n" + "[2]\n")
    valid, refused, total = parse_rows(path, source="application", refusals_file=tmp_path / "refused.jsonl")
    assert valid == [] and total == len(refused) == 3 * KEEP + 3
    assert len(refused.kept) == KEEP  # memory: the first KEEP only
    junk = {"row": "is not valid JSON (Expecting value at line 1, column 1)"}
    not_object = {"row": "must be a JSON object of field names and values"}
    on_disk = [json.loads(line) for line in (tmp_path / "refused.jsonl").read_text().splitlines()]
    assert on_disk == [
        {"rows": [1, 3 * KEEP], "errors": junk},
        {"row": 3 * KEEP + 1, "errors": not_object},
        {"row": 3 * KEEP + 2, "errors": junk},
        {"row": 3 * KEEP + 3, "errors": not_object},
    ]
    listed = list(refused)  # iterating reads the file back, one refusal per row
    assert [r["row"] for r in listed] == list(range(1, 3 * KEEP + 4)) and listed[5] == {"row": 6, "errors": junk}


@pytest.mark.integration
def test_a_batch_with_bad_rows_decides_the_good_ones_and_exits_1(tmp_path, hard_engine, owner_engine, settings):
    samples = _samples()[:3]
    good = [json.dumps({**a, "application_id": f"HARD-{i}"}) for i, (a, _) in enumerate(samples)]
    bad = _bad_rows(samples[0][0])[:2]
    path = _jsonl(tmp_path / "acceptance.jsonl", [good[0], bad[0], good[1], bad[1], good[2]])
    url = owner_engine(DB).url.render_as_string(hide_password=False)
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_URL": url, "TORCH_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "agents.batch", str(path), "--workers", "0", "--json", "--no-progress"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert (summary["decided"], summary["refused"], summary["errors"]) == (3, 2, 0)
    assert {r["row"]: sorted(r["errors"]) for r in summary["refused_rows"]} == {
        2: ["credit_score"],
        4: ["monitoring.race"],
    }


_PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from agents.batch.worker import watch_parent
from multiprocessing import active_children
pool = ProcessPoolExecutor(2, mp_context=get_context("spawn"), initializer=watch_parent, initargs=(0.2, os.getpid()))
[f.result() for f in [pool.submit(os.getpid) for _ in range(8)]]
# every worker started, including one still starting (the pool may not have needed it yet)
print(" ".join(str(p.pid) for p in active_children()), flush=True)
pool.submit(time.sleep, 600)
time.sleep(600)
"""


@pytest.mark.unit
def test_workers_exit_when_the_batch_process_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(30)
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)  # polling a condition, with a deadline
        assert not any(_alive(p) for p in workers)
    finally:
        parent.kill()
        for pid in workers if "workers" in locals() else []:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.unit
def test_a_worker_that_starts_after_its_batch_process_died_exits():
    """The race the pool leaves: a worker still importing when the batch process is killed is re-parented
    before its initializer runs; it must still see that the process it serves is gone."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that is no longer any process's (this test's child, reaped)
    code = f"from agents.batch.worker import watch_parent; import time; watch_parent(0.05, {gone.pid}); time.sleep(60)"
    worker = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT)
    try:
        assert worker.wait(30) == 3  # the watchdog's exit, not the sleep's end
    finally:
        worker.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] not in "ZX"  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.mark.integration
def test_an_id_taken_between_planning_and_its_run_is_that_rows_refusal(tmp_path, hard_engine, embedder, settings):
    from sqlalchemy.orm import sessionmaker

    from agents.batch.engines import InlineEngine
    from agents.batch.runner import execute, plan_batch
    from core.schemas import validate_application
    from tests.agents.support import make_service

    service = make_service(hard_engine, embedder, settings)
    sessions = sessionmaker(bind=hard_engine, expire_on_commit=False)
    application, _ = _samples()[0]
    path = _jsonl(tmp_path / "race.jsonl", [json.dumps({**application, "application_id": "HARD-RACE"})])
    plan = plan_batch(path, sessions=sessions)
    assert len(plan.tasks) == 1 and len(plan.refused) == 0
    elsewhere = service.run(validate_application({**application, "application_id": "HARD-RACE"}))
    next(elsewhere)  # another submission takes the ID after the batch was planned
    elsewhere.close()
    summary = execute(plan, InlineEngine(service), sessions=sessions)
    assert (summary["decided"], summary["refused"], summary["errors"], summary["status"]) == (0, 1, 0, "completed")
    assert summary["refused_rows"] == [
        {
            "row": 1,
            "errors": {"application_id": "is already used by another application: an ID belongs to one application"},
        }
    ]
