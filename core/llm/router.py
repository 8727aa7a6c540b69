"""Routes each agent to its provider from settings, and refuses to start a route that leaks PII.

Clients are built here, once per provider, never inside agent nodes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core.errors import ConfigurationError
from core.llm.egress import egress_violations, endpoint_url, proxy_policy
from core.llm.types import LLMClient
from core.settings import AGENTS, Provider, Settings

logger = logging.getLogger(__name__)

OFFLINE: Provider = "offline"
# Agents whose prompts carry applicant data. Audit sees only claims and policy text.
PII_AGENTS: frozenset[str] = frozenset({"intake", "ratio", "compliance", "policy", "underwriting", "decision"})
# Providers that send prompts to a third party's servers. Bedrock runs in our AWS account and
# Ollama on our hardware, so both may see PII in production.
EXTERNAL_PROVIDERS: frozenset[str] = frozenset({"openai"})


def pii_violations(settings: Settings) -> dict[str, Provider]:
    """Agent -> provider for every route that would send applicant data to an external API."""
    if settings.app_env != "production":
        return {}
    routes = {agent: settings.provider_for(agent) for agent in AGENTS}
    return {a: p for a, p in routes.items() if a in PII_AGENTS and p in EXTERNAL_PROVIDERS}


def build_clients(settings: Settings) -> dict[str, LLMClient]:
    """One client per provider that some agent is routed to (none when everything is offline)."""
    needed = sorted({settings.provider_for(agent) for agent in AGENTS} - {OFFLINE})
    return {provider: _build_client(provider, settings) for provider in needed}


def build_client(provider: str, settings: Settings) -> LLMClient:
    """The client for one provider, outside any route (the distillation teacher)."""
    return _build_client(provider, settings)


def _build_client(provider: str, settings: Settings) -> LLMClient:
    # Imported here so the default offline mode never loads the openai and boto3 SDKs.
    from core.llm.providers import BedrockClient, OpenAICompatibleClient

    timeout_s = settings.llm_timeout_s
    proxy = proxy_policy(settings)  # production: no proxy from the environment unless its host is allowed
    url = endpoint_url(provider, settings)[0]  # the URL egress checked is the URL the client gets
    if provider == "openai":
        if not settings.openai_api_key.get_secret_value():
            agents = ", ".join(a for a in AGENTS if settings.provider_for(a) == "openai")
            raise ConfigurationError(
                f"OPENAI_API_KEY is empty but agent(s) {agents} are routed to openai; set the key "
                "or route them to offline, ollama or bedrock (LLM_PROVIDER / AGENT_PROVIDERS)"
            )
        return OpenAICompatibleClient(
            provider="openai",
            model=settings.openai_model,
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=url,
            timeout_s=timeout_s,
            trust_env=proxy.trust_env,
            proxy=proxy.proxy,
        )
    if provider == "ollama":
        # Ollama ignores the key, but the SDK refuses to start without one.
        return OpenAICompatibleClient(
            provider="ollama",
            model=settings.ollama_model,
            api_key="ollama",
            base_url=url,
            timeout_s=timeout_s,
            trust_env=proxy.trust_env,
            proxy=proxy.proxy,
        )
    if provider == "bedrock":
        proxies = None if proxy.trust_env else ({"http": proxy.proxy, "https": proxy.proxy} if proxy.proxy else {})
        return BedrockClient(
            model_id=settings.bedrock_model_id,
            region=settings.bedrock_region,
            timeout_s=timeout_s,
            endpoint_url=url,
            proxies=proxies,
        )
    if provider == "local":
        from core.llm.local import LocalClient

        return LocalClient.from_settings(settings)
    raise ConfigurationError(f"unknown LLM provider {provider!r}; expected offline, openai, ollama, bedrock or local")


class LLMRouter:
    """Answers "which client does this agent use?"; construction enforces the PII policy."""

    def __init__(self, settings: Settings, *, clients: Mapping[str, LLMClient] | None = None) -> None:
        self._settings = settings
        self.check_pii_policy()  # before building anything: a leaking route must never start
        self._clients = dict(clients) if clients is not None else build_clients(settings)
        self._check_clients()

    @property
    def timeout_s(self) -> float:
        return self._settings.llm_timeout_s

    def provider_for(self, agent: str) -> Provider:
        if agent not in AGENTS:
            raise ValueError(f"unknown agent {agent!r}; expected one of {AGENTS}")
        return self._settings.provider_for(agent)

    def client_for(self, agent: str) -> LLMClient | None:
        """The agent's client, or None when it runs on the offline engine."""
        provider = self.provider_for(agent)
        return None if provider == OFFLINE else self._clients[provider]

    def check_pii_policy(self) -> None:
        """Raise ConfigurationError if APP_ENV=production would send applicant data to an external API
        or to a host off the egress allow-list (core.llm.egress)."""
        violations = pii_violations(self._settings)
        if not violations:
            self._check_egress()
            return
        by_provider: dict[str, list[str]] = {}
        for agent, provider in violations.items():
            by_provider.setdefault(provider, []).append(agent)
        routes = "; ".join(f"{', '.join(agents)} -> {p}" for p, agents in sorted(by_provider.items()))
        raise ConfigurationError(
            f"APP_ENV=production refuses to start: agent(s) that see applicant data would send it to an "
            f"external API ({routes}). Route them to bedrock, ollama or offline with LLM_PROVIDER or "
            'AGENT_PROVIDERS, e.g. AGENT_PROVIDERS=\'{"intake": "bedrock"}\'.'
        )

    def _check_egress(self) -> None:
        routes = {agent: self._settings.provider_for(agent) for agent in AGENTS}
        off_list = egress_violations(self._settings, routes, PII_AGENTS)
        if off_list:
            lines = "; ".join(f"agent {agent} -> {host}" for agent, host in off_list.items())
            raise ConfigurationError(
                f"APP_ENV=production refuses to start: applicant data would go to a host off the allow-list "
                f"({lines}). Allowed: loopback, private networks, Bedrock in BEDROCK_REGION, and LLM_ALLOWED_HOSTS."
            )

    def routes(self) -> dict[str, str]:
        """Agent -> "provider/model", for logs and the dashboard."""
        table = {}
        for agent in AGENTS:
            client = self.client_for(agent)
            table[agent] = "offline/policy-engine" if client is None else f"{client.provider}/{client.model}"
        return table

    def _check_clients(self) -> None:
        for name, client in self._clients.items():
            if client.provider != name:
                raise ConfigurationError(f"client for {name!r} says it is {client.provider!r}")
        routed = {self._settings.provider_for(agent) for agent in AGENTS} - {OFFLINE}
        missing = sorted(routed - set(self._clients))
        if missing:
            raise ConfigurationError(f"no LLM client for provider(s) {', '.join(missing)}")


def build_router(settings: Settings) -> LLMRouter:
    """The app's one router; raises ConfigurationError (refuse to start) on an unsafe or incomplete setup."""
    router = LLMRouter(settings)
    logger.info("LLM routes: %s", ", ".join(f"{a}={r}" for a, r in router.routes().items()))
    return router
