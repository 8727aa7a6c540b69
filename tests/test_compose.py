"""docker-compose.yml: the batch worker runs with the app's environment (database, keys, APP_ENV), and
every service runs the image built by the Dockerfile instead of installing at start."""

from __future__ import annotations

import pytest
import yaml

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_ONLY = {"DASHBOARD_ADDRESS"}  # the dashboard's listening address


def test_the_worker_gets_the_apps_keys_and_environment():
    app, worker = SERVICES["app"]["environment"], SERVICES["worker"]["environment"]
    for name in ("APP_ENV", "AUDIT_HMAC_KEY", "SSN_HASH_KEY", "DATABASE_URL", "DATABASE_APP_PASSWORD"):
        assert name in app, name
    assert {k: v for k, v in app.items() if k not in APP_ONLY} == {k: worker[k] for k in app if k not in APP_ONLY}


def test_the_app_and_worker_share_the_development_key_files():
    assert SERVICES["app"]["volumes"] == SERVICES["worker"]["volumes"]


def test_services_run_the_built_image_and_install_nothing_at_start():
    assert SERVICES["app"]["build"] == "."
    for name in ("app", "scheduler", "worker"):
        service = SERVICES[name]
        assert service["image"] == SERVICES["app"]["image"], name
        command = " ".join(service.get("command") or [])
        assert not any(step in command for step in ("make", "pip", "apt-get", ".venv")), (name, command)
        assert ".:/app" not in (service.get("volumes") or []), name  # the host's .venv never replaces the image's
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.txt -c constraints.txt" in dockerfile
