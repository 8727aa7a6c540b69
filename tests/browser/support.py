"""Helpers shared by the browser tests (and the web-layer test): Debian Chromium and its flags, where screenshots
go, how long a condition may take, and a free port with a wait until Streamlit answers its health check."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request

from core.settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
WAIT_MS = 180_000  # the longest any condition may take on a loaded 2-core machine; waits end as soon as it holds
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


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
