"""Helpers shared by the browser tests (and the web-layer test): Debian Chromium and its flags, where screenshots
go, how long a condition may take, and a free port with a wait until Streamlit answers its health check."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from core.settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
WAIT_MS = 180_000  # the longest any condition may take on a loaded 2-core machine; waits end as soon as it holds
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        try:  # between polls, wait on the other condition that ends the wait: the server exiting
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"streamlit exited with {proc.returncode}")
    raise TimeoutError("streamlit did not become healthy")


def serve(clone_seeded, settings, db: str):
    """(url, engine) of a real `streamlit run app.py` on `db`, a fresh copy of the seeded database; stopped after."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make browser-deps installs it when it can)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra: make setup-test)")
    engine = clone_seeded(db)
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_NAME": db,
        "DATABASE_URL": "",
        "LLM_PROVIDER": "offline",
        "AGENT_PROVIDERS": "{}",
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / f"streamlit-{db}.log").open("w")
    # started as `make run` starts it (dashboard.streamlit_main), so the first request's deep link is tested too
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.streamlit_main",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, engine
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        engine.dispose()


def officer_records(engine, run_id: str) -> list[tuple[str, dict]]:
    """(event, payload) of the officer's audit records on one run."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT event, payload FROM audit_log WHERE run_id = :r AND event LIKE 'officer%' ORDER BY id"),
            {"r": run_id},
        ).all()
    return [tuple(r) for r in rows]
