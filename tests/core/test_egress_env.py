"""Egress through environment settings (issue 22, point 9): in production an HTTP client takes no proxy from
the environment unless the proxy's host is allowed, and an AWS endpoint override is resolved and checked
before any client is built. The namespace test watches every connect() with strace; nothing leaves the host."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from core.errors import ConfigurationError
from core.llm import LLMRouter
from core.llm.egress import endpoint_url, proxy_policy
from core.settings import PROJECT_ROOT, Settings
from tests.core.support import DOC_HOST, production

pytestmark = pytest.mark.unit
PROXY = f"http://{DOC_HOST}:3128"


@pytest.mark.parametrize("variable", ["aws_endpoint_url_bedrock_runtime", "aws_endpoint_url"])
def test_an_aws_endpoint_override_off_the_list_refuses_before_any_client_is_built(no_clients, variable):
    with pytest.raises(ConfigurationError) as info:
        LLMRouter(production(llm_provider="bedrock", **{variable: f"http://{DOC_HOST}:8080"}))
    assert f"agent intake -> {DOC_HOST}" in str(info.value) and variable.upper() in str(info.value)
    assert no_clients == []


def test_the_bedrock_client_is_built_with_exactly_the_checked_endpoint_and_no_environment_proxy():
    settings = production(
        llm_provider="bedrock",
        aws_endpoint_url_bedrock_runtime="http://127.0.0.1:4566",
        aws_endpoint_url=f"http://{DOC_HOST}:8080",
        https_proxy=PROXY,
    )
    assert endpoint_url("bedrock", settings) == ("http://127.0.0.1:4566", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
    client = LLMRouter(settings).client_for("intake")
    sdk = client._sdk(settings.llm_timeout_s)
    assert sdk.meta.endpoint_url == "http://127.0.0.1:4566" and sdk.meta.config.proxies == {}
    plain = production(llm_provider="bedrock", bedrock_region="us-west-2")
    assert endpoint_url("bedrock", plain)[0] == "https://bedrock-runtime.us-west-2.amazonaws.com"


def test_production_clients_ignore_a_proxy_off_the_list_and_use_an_allowed_one_explicitly():
    off = production(ollama_base_url="http://127.0.0.1:11434/v1", http_proxy=PROXY, all_proxy=PROXY)
    assert proxy_policy(off).trust_env is False and proxy_policy(off).proxy is None
    http = LLMRouter(off).client_for("intake")._sdk._client
    assert http._trust_env is False and not http._mounts  # no proxy transport at all
    allowed = production(ollama_base_url="http://127.0.0.1:11434/v1", https_proxy="http://10.0.0.5:3128")
    assert proxy_policy(allowed).proxy == "http://10.0.0.5:3128"
    assert LLMRouter(allowed).client_for("intake")._sdk._client._mounts  # the allowed proxy, given explicitly
    assert proxy_policy(Settings(_env_file=None, http_proxy=PROXY)).trust_env is True  # development: as usual


_CALL = """
from pydantic import BaseModel
from core.llm import LLMRouter
from core.settings import Settings
class Reply(BaseModel):
    ok: bool
client = LLMRouter(Settings(_env_file=None)).client_for("intake")
try:
    client.complete_json(system="s", user="applicant data", schema=Reply, timeout_s=2)
except Exception as exc:
    print("failed as expected:", type(exc).__name__)
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("strace"),
    reason="needs root, unshare -n and strace",
)
def test_in_a_namespace_no_connect_goes_to_an_environment_proxy(tmp_path):
    trace = tmp_path / "connects.txt"
    env = {
        **os.environ,
        "APP_ENV": "production",
        "LLM_PROVIDER": "ollama",
        "OLLAMA_BASE_URL": "http://127.0.0.1:9/v1",
        "HTTP_PROXY": PROXY,
        "HTTPS_PROXY": PROXY,
        "ALL_PROXY": PROXY,
        "http_proxy": PROXY,
        "all_proxy": PROXY,
        "DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        ["strace", "-f", "-e", "trace=connect", "-o", str(trace), "unshare", "-n", sys.executable, "-c", _CALL],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "failed as expected" in done.stdout, done.stderr[-2000:]
    connects = [line for line in trace.read_text().splitlines() if "connect(" in line and "AF_INET" in line]
    assert any('inet_addr("127.0.0.1")' in line and "htons(9)" in line for line in connects), connects
    assert not any(DOC_HOST in line for line in connects), connects
