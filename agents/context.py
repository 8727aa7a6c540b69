"""What agents need from the outside world, handed in once per run (LangGraph `context_schema`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from policy.evidence import EvidenceResolver
from core.llm import LLMRouter


@dataclass(frozen=True)
class AgentContext:
    """Built once per process by `agents.service`; nodes never build clients themselves."""

    evidence: EvidenceResolver
    router: LLMRouter
    session_factory: sessionmaker[Session]
