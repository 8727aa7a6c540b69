"""Where applicant data may go: in production, an LLM endpoint that receives it must be on an
allow-list of hosts. Checked from settings alone, before any client is built, with no DNS lookup.

Allowed: loopback, the private networks below, Bedrock in BEDROCK_REGION, and LLM_ALLOWED_HOSTS.
A host name other than those (e.g. ollama.internal) must be listed; it is never resolved here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from core.settings import Settings

# Written out rather than ipaddress's is_private, which also counts the documentation ranges
# (192.0.2.0/24...) and link-local 169.254.0.0/16 (cloud metadata endpoints) as private.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7",
))
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
OPENAI_HOST = "api.openai.com"


def bedrock_host(region: str) -> str:
    return f"bedrock-runtime.{region}.amazonaws.com"


def endpoint(provider: str, settings: Settings) -> tuple[str, str]:
    """(host, the setting it comes from) for a provider's endpoint."""
    if provider == "ollama":
        return _host(settings.ollama_base_url), "OLLAMA_BASE_URL"
    if provider == "openai":
        return (_host(settings.openai_base_url) if settings.openai_base_url else OPENAI_HOST), "OPENAI_BASE_URL"
    if provider == "bedrock":
        return bedrock_host(settings.bedrock_region), "BEDROCK_REGION"
    return "", ""


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
