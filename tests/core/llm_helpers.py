"""Settings for LLM tests, isolated from the environment and `.env`."""

from typing import Any

from core.settings import Settings


def llm_settings(**overrides: Any) -> Settings:
    """Every LLM field pinned, so a developer's OPENAI_* or AGENT_PROVIDERS cannot leak in."""
    fields: dict[str, Any] = {
        "app_env": "development",
        "llm_provider": "offline",
        "agent_providers": {},
        "openai_api_key": "sk-test",
        "openai_base_url": "",
        "openai_model": "gpt-4o-mini",
        "ollama_base_url": "http://127.0.0.1:9/v1",
        "ollama_model": "llama3.1",
        "bedrock_region": "us-east-1",
        "bedrock_model_id": "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "llm_timeout_s": 0.5,
    }
    return Settings(_env_file=None, **{**fields, **overrides})
