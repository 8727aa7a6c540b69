"""Web layer: the dashboard listens on localhost unless opened, its favicon is a file it serves, the eval-set
box reads only the datasets folder, and docker-compose holds no credentials of its own."""

from __future__ import annotations

import os
import subprocess
import tomllib

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from core.errors import LoanGraphError
from core.settings import PROJECT_ROOT, Settings
from dashboard.serve import streamlit_argv
from rag.evaluation.dataset import DATASETS_DIR, DEFAULT_DATASET, dataset_in_project
from tests.browser.support import free_port, wait_healthy


@pytest.mark.unit
def test_the_dashboard_binds_to_localhost_unless_opened():
    argv = streamlit_argv(Settings(_env_file=None))
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    opened = streamlit_argv(Settings(_env_file=None, dashboard_address="0.0.0.0", dashboard_port=9000))
    assert opened[opened.index("--server.address") + 1] == "0.0.0.0" and "9000" in opened
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"  # also for a bare `streamlit run app.py`


class _PageConfigSeen(Exception):
    pass


@pytest.mark.unit
def test_the_favicon_is_a_file_the_app_serves(monkeypatch):
    """Bug: the page icon was a Material symbol, which the browser fetched from the internet."""
    seen: dict = {}

    def capture(**kwargs):
        seen.update(kwargs)
        raise _PageConfigSeen  # nothing after the page config is needed

    monkeypatch.setattr(st, "set_page_config", capture)
    AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    icon = str(seen["page_icon"])
    assert icon == str(PROJECT_ROOT / "dashboard" / "assets" / "favicon.png") and os.path.isfile(icon)


@pytest.mark.unit
def test_eval_sets_resolve_only_under_the_datasets_folder(tmp_path):
    assert dataset_in_project("seed_data/loan_eval_dataset.json") == DEFAULT_DATASET.resolve()
    assert dataset_in_project(str(DEFAULT_DATASET)) == DEFAULT_DATASET.resolve()
    link = DATASETS_DIR / "test_link_outside.json"
    target = tmp_path / "x.json"
    target.write_text("{}")
    link.symlink_to(target)
    try:
        for name in (
            "/etc/passwd",
            "seed_data/../README.md",
            "seed_data/rules",
            str(target),
            "seed_data",
            str(link),
            "seed_data/test_link_outside.json",
        ):
            with pytest.raises(LoanGraphError, match="must be a .json file under seed_data/"):
                dataset_in_project(name)
    finally:
        link.unlink()


@pytest.mark.unit
def test_docker_compose_takes_credentials_from_the_environment():
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    db_env, app_env = compose["services"]["db"]["environment"], compose["services"]["app"]["environment"]
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert db_env["POSTGRES_USER"].startswith("${POSTGRES_USER:?")
    assert "${POSTGRES_PASSWORD}" in app_env["DATABASE_URL"] and "loangraph:loangraph" not in text
    for service in compose["services"].values():
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", []))


@pytest.mark.integration
@pytest.mark.slow
def test_make_run_listens_on_loopback_only(settings, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "DASHBOARD_PORT": str(port),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    env.pop("DASHBOARD_ADDRESS", None)
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [os.sys.executable, "-m", "dashboard.serve"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        listening = _listeners(port)
        assert listening == {"127.0.0.1"}, listening
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _listeners(port: int) -> set[str]:
    """Local addresses in LISTEN state on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(_address(address))
    return found


def _address(hex_address: str) -> str:
    if len(hex_address) == 8:
        return ".".join(str(b) for b in reversed(bytes.fromhex(hex_address)))
    return "::" if int(hex_address, 16) == 0 else hex_address
