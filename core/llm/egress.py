"""Where applicant data may go: in production, an LLM endpoint that receives it must be on an
allow-list of hosts. Checked from settings alone, before any client is built, with no DNS lookup.

Allowed: loopback, the private networks below, Bedrock in BEDROCK_REGION, and LLM_ALLOWED_HOSTS.
A host name other than those (e.g. ollama.internal) must be listed; it is never resolved here.
The endpoint checked is the one the client is then built with (`endpoint_url`, AWS endpoint
overrides included), and in production a client takes no proxy from the environment unless the
proxy's host is allowed too (`proxy_policy`): what is checked is where the client connects.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.settings import Settings

# Written out rather than ipaddress's is_private, which also counts the documentation ranges
# (192.0.2.0/24...) and link-local 169.254.0.0/16 (cloud metadata endpoints) as private.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
    )
)
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
OPENAI_HOST = "api.openai.com"
OPENAI_URL = f"https://{OPENAI_HOST}/v1"
log = logging.getLogger(__name__)


def bedrock_host(region: str) -> str:
    return f"bedrock-runtime.{region}.amazonaws.com"


def endpoint_url(provider: str, settings: Settings) -> tuple[str, str]:
    """(URL, the setting it comes from): the endpoint a provider's client is built with, resolved the way
    its SDK would resolve it (Bedrock: AWS_ENDPOINT_URL_BEDROCK_RUNTIME, then AWS_ENDPOINT_URL, then the
    region's endpoint), so the client can be given exactly the URL that was checked."""
    if provider == "ollama":
        return settings.ollama_base_url, "OLLAMA_BASE_URL"
    if provider == "openai":
        return (settings.openai_base_url or OPENAI_URL), "OPENAI_BASE_URL"
    if provider == "bedrock":
        if settings.aws_endpoint_url_bedrock_runtime.strip():
            return settings.aws_endpoint_url_bedrock_runtime.strip(), "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"
        if settings.aws_endpoint_url.strip():
            return settings.aws_endpoint_url.strip(), "AWS_ENDPOINT_URL"
        return f"https://{bedrock_host(settings.bedrock_region)}", "BEDROCK_REGION"
    return "", ""


def endpoint(provider: str, settings: Settings) -> tuple[str, str]:
    """(host, the setting it comes from) for a provider's endpoint."""
    url, source = endpoint_url(provider, settings)
    return (_host(url) if url else ""), source


@dataclass(frozen=True)
class ProxyPolicy:
    """How a client may use a proxy: `trust_env` (the SDK's own reading of HTTP(S)_PROXY/ALL_PROXY) or
    exactly `proxy` (None: a direct connection)."""

    trust_env: bool
    proxy: str | None = None


def proxy_policy(settings: Settings) -> ProxyPolicy:
    """Development: the environment's proxies as usual. Production: only a proxy whose host is allowed,
    given to the client explicitly; one off the list is ignored (logged), never connected to."""
    if settings.app_env != "production":
        return ProxyPolicy(trust_env=True)
    for name in ("https_proxy", "all_proxy", "http_proxy"):
        url = getattr(settings, name).strip()
        if not url:
            continue
        if host_allowed(_host(url), settings):
            return ProxyPolicy(trust_env=False, proxy=url)
        log.warning("%s is set to a host off the LLM allow-list: ignored (LLM clients connect directly)", name.upper())
    return ProxyPolicy(trust_env=False)


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return ""


def host_allowed(host: str, settings: Settings) -> bool:
    if not host:
        return False
    if host in LOOPBACK_NAMES or host in settings.llm_allowed_hosts or host == bedrock_host(settings.bedrock_region):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name we were not told about: never resolved, never allowed
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in PRIVATE_NETWORKS)


def egress_violations(settings: Settings, routes: Mapping[str, str], pii_agents: frozenset[str]) -> dict[str, str]:
    """Agent -> "host (SETTING)" for each applicant-data route to a host off the allow-list (production only)."""
    if settings.app_env != "production":
        return {}
    out = {}
    for agent, provider in routes.items():
        if agent in pii_agents and provider not in ("offline", "local"):  # both run in this process
            host, source = endpoint(provider, settings)
            if not host_allowed(host, settings):
                out[agent] = f"{host or '(no host)'} ({provider}, {source})"
    return out
