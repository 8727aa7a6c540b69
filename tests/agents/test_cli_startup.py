"""`python -m agents.run FILE` loads no model when the vectors its retrievals need were computed before,
and decides, cites and retrieves exactly as the run that computed them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.models import RetrievalTraceRecord
from core.settings import PROJECT_ROOT
from tests.agents.conftest import SAMPLES
from tests.conftest import seeded_clone

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DB = "lg_cli_startup"
startup_engine = seeded_clone(DB)
HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn")
# The CLI's own main, then which heavy libraries the process imported, as the last line.
PROBE = (
    "import json, sys; from agents.run.__main__ import main; rc = main([sys.argv[1], '--json']); "
    f"print(json.dumps({{'rc': rc, 'imported': [m for m in {HEAVY!r} if m in sys.modules]}}))"
)


def cli_run(tmp_path, env: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """One CLI run on the clean-approve sample under a fresh application_id: (its --json summary, heavy imports)."""
    data = json.loads(next(p for p in SAMPLES if "clean_approve" in p.name).read_text())
    data["application"]["application_id"] = f"STARTUP-{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{data['application']['application_id']}.json"
    path.write_text(json.dumps(data))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary, _, probe = done.stdout.rstrip().rpartition("\n")
    found = json.loads(probe)
    assert found["rc"] == 0
    return json.loads(summary), found["imported"]


def without_timings(value: Any) -> Any:
    """A retrieval trace without its stage timings (the only part that differs between two equal runs)."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in ("ms", "total_ms")}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def traces(engine, run_id: str) -> list[tuple[str, str, Any]]:
    with Session(engine) as session:
        rows = session.scalars(select(RetrievalTraceRecord).where(RetrievalTraceRecord.run_id == run_id))
        # sorted: the Compliance and Policy agents run in parallel, so their traces land in either order
        return sorted(((r.agent, r.query, without_timings(r.trace)) for r in rows), key=lambda t: t[:2])


def test_a_second_run_loads_no_model_and_retrieves_the_same(tmp_path, settings, server_url, startup_engine):
    url = make_url(server_url).set(database=DB).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(settings.data_dir), "TORCH_THREADS": "1"}
    shutil.rmtree(settings.embedding_cache_dir, ignore_errors=True)  # the first run computes every vector
    cold, cold_imports = cli_run(tmp_path, env)
    warm, warm_imports = cli_run(tmp_path, env)
    assert "sentence_transformers" in cold_imports  # the check below can see a model load
    assert warm_imports == []
    assert warm["decision"] == cold["decision"] == "APPROVE"
    for key in ("reasons", "conditions", "citations"):
        assert warm[key] == cold[key], key
    cold_traces, warm_traces = traces(startup_engine, cold["run_id"]), traces(startup_engine, warm["run_id"])
    assert cold_traces and warm_traces == cold_traces


def test_the_cli_prints_everything_and_stops_the_server_it_started(tmp_path):
    """The CLI ends without the interpreter's teardown (agents.run.__main__.exit_without_teardown): its whole
    output still arrives and its exit handlers still run, so the embedded server it started is stopped."""
    data = json.loads(next(p for p in SAMPLES if "clean_approve" in p.name).read_text())
    path = tmp_path / "app.json"
    path.write_text(json.dumps(data))
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": "", "TORCH_THREADS": "1"}
    env.pop("PYTHONUNBUFFERED", None)  # stdout to a pipe is block-buffered, as it is for a caller
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", str(path), "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)  # the whole object: nothing lost in a buffer
    assert summary["decision"] == "REFER" and len(summary["agents"]) == 7  # a new database: no published rulebook
    pg = tmp_path / "data" / "pg"
    assert (pg / "PG_VERSION").exists() and not (pg / "postmaster.pid").exists()
