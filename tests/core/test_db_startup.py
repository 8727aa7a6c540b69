"""A database that is down at start-up gets the mid-run outage's treatment (issue 22, point 4): one
"INTERRUPTED:" line and exit 1 from both CLIs, never a driver traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.db import ensure_database
from core.errors import DatabaseUnavailable
from core.settings import PROJECT_ROOT
from tests.agents.conftest import SAMPLES

pytestmark = pytest.mark.unit
NOWHERE = "postgresql+psycopg://loangraph@/postgres?host=/nonexistent-loangraph-socket-dir"


def test_ensure_database_turns_an_unreachable_server_into_database_unavailable():
    with pytest.raises(DatabaseUnavailable, match="database server not reachable"):
        ensure_database(NOWHERE, "lg_anything")


@pytest.mark.parametrize(
    "command",
    [
        ["agents.run", str(next(p for p in SAMPLES if "clean_approve" in p.name))],
        ["agents.run", "--resume", "some-run"],
        ["agents.batch", "BATCH", "--workers", "0", "--no-progress"],
    ],
)
def test_both_clis_report_a_database_down_at_start_like_a_mid_run_outage(tmp_path, command):
    batch = tmp_path / "one.jsonl"
    batch.write_text(
        json.dumps(json.loads(next(p for p in SAMPLES if "clean_approve" in p.name).read_text())["application"]) + "\n"
    )
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DATABASE_URL": NOWHERE}
    done = subprocess.run(
        [sys.executable, "-m", *[str(batch) if c == "BATCH" else c for c in command]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("INTERRUPTED: ")]
    assert len(lines) == 1 and "The database is unavailable" in lines[0] and "Run the same command again" in lines[0]
