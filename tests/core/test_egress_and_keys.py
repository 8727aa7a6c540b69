"""Secrets and egress: production keys come from the environment; applicant data only goes to
allow-listed hosts. No packet is ever sent: refusals happen before any client is built, addresses
are documentation-only (192.0.2.0/24), and the CLI check runs in a network namespace with no route."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest

from core.errors import ConfigurationError
from core.keys import key_bytes, require_production_keys
from core.llm import PII_AGENTS, LLMRouter
from core.llm.egress import egress_violations, host_allowed
from core.settings import AGENTS, PROJECT_ROOT, Settings
from tests.agents.conftest import SAMPLES
from tests.core.support import DOC_HOST, KEY, production

pytestmark = pytest.mark.unit


def test_an_off_list_host_refuses_before_any_client_is_built(no_clients):
    with pytest.raises(ConfigurationError) as info:
        LLMRouter(production(ollama_base_url=f"http://{DOC_HOST}:11434/v1"))
    message = str(info.value)
    assert f"agent intake -> {DOC_HOST}" in message and "OLLAMA_BASE_URL" in message
    assert all(f"agent {a} ->" in message for a in PII_AGENTS) and "agent audit" not in message
    assert no_clients == []


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("10.1.2.3", True),
        ("172.31.0.5", True),
        ("192.168.1.20", True),
        ("::1", True),
        ("fd00::5", True),
        ("::ffff:10.0.0.1", True),
        ("bedrock-runtime.us-east-1.amazonaws.com", True),
        (DOC_HOST, False),
        ("198.51.100.7", False),
        ("203.0.113.9", False),
        ("169.254.169.254", False),
        ("8.8.8.8", False),
        ("::ffff:192.0.2.1", False),
        ("172.32.0.1", False),
        ("ollama.example", False),
        ("bedrock-runtime.eu-west-1.amazonaws.com", False),
        ("api.openai.com", False),
        ("", False),
    ],
)
def test_allow_list(host, allowed):
    assert host_allowed(host, production()) is allowed


def test_listed_names_are_allowed_and_development_is_not_restricted():
    assert host_allowed("ollama.example", production(llm_allowed_hosts="ollama.example"))
    routes = {a: "ollama" for a in AGENTS}
    dev = Settings(_env_file=None, ollama_base_url=f"http://{DOC_HOST}/v1")
    assert egress_violations(dev, routes, PII_AGENTS) == {}
    # the audit agent sees no applicant data: its route is not restricted
    prod = production(ollama_base_url=f"http://{DOC_HOST}/v1")
    assert set(egress_violations(prod, routes, PII_AGENTS)) == set(PII_AGENTS)


def test_bedrock_in_the_configured_region_passes(no_clients):
    LLMRouter(production(llm_provider="bedrock", bedrock_region="us-west-2"))
    assert no_clients == ["bedrock"]


def test_production_requires_both_keys_from_the_environment(tmp_path):
    # no key at all (the test session itself sets AUDIT_HMAC_KEY in the environment, so say so explicitly)
    settings = Settings(_env_file=None, app_env="production", data_dir=tmp_path, ssn_hash_key="", audit_hmac_key="")
    with pytest.raises(ConfigurationError) as info:
        require_production_keys(settings)
    assert "SSN_HASH_KEY" in str(info.value) and "AUDIT_HMAC_KEY" in str(info.value)
    with pytest.raises(ConfigurationError):
        key_bytes(settings, "SSN_HASH_KEY")
    assert list(tmp_path.iterdir()) == []  # nothing generated into DATA_DIR
    with pytest.raises(ConfigurationError, match="AUDIT_HMAC_KEY"):
        require_production_keys(production(data_dir=tmp_path, audit_hmac_key="short"))
    require_production_keys(production(data_dir=tmp_path))


def test_development_keys_are_created_0600_once(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)
    old = os.umask(0)  # even with no umask, the file is never readable by others
    try:
        first = key_bytes(settings, "SSN_HASH_KEY")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "ssn_hash.key").stat().st_mode) == 0o600
    assert key_bytes(settings, "SSN_HASH_KEY") == first and len(first) == 64
    assert key_bytes(settings, "AUDIT_HMAC_KEY") != first


def _isolated(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["unshare", "-n", *cmd], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare -n")
def test_cli_in_a_namespace_with_no_route_refuses_an_off_list_host(tmp_path):
    sample = next(p for p in SAMPLES if "clean_approve" in p.name)
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "APP_ENV": "production",
        "LLM_PROVIDER": "ollama",
        "OLLAMA_BASE_URL": f"http://{DOC_HOST}:11434/v1",
        "SSN_HASH_KEY": KEY,
        "AUDIT_HMAC_KEY": KEY,
    }
    done = _isolated([sys.executable, "-m", "agents.run", str(sample)], env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"agent intake -> {DOC_HOST}" in done.stderr and "Traceback" not in done.stderr
    keyless = {k: v for k, v in env.items() if k not in ("SSN_HASH_KEY", "AUDIT_HMAC_KEY")}
    done = _isolated([sys.executable, "-m", "agents.run", str(sample)], keyless)
    assert done.returncode == 2 and "SSN_HASH_KEY" in done.stderr and "AUDIT_HMAC_KEY" in done.stderr
    assert not (tmp_path / "ssn_hash.key").exists()
