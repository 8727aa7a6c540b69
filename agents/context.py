"""What agents need from the outside world, handed in once per run (LangGraph `context_schema`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from core.llm import LLMRouter
from policy.evidence import EvidenceResolver


@dataclass(frozen=True)
class AgentContext:
    """Built once per process by `agents.service`; nodes never build clients themselves."""

    evidence: EvidenceResolver
    router: LLMRouter
    session_factory: sessionmaker[Session]


def pinned_documents(ctx: AgentContext, state: Mapping[str, Any]) -> tuple[int, ...]:
    """The document versions the run's published policy is pinned to (none without a publication)."""
    pub = ctx.evidence.publication(state.get("policy_publication_id"))
    return tuple(pub.document_ids) if pub is not None else ()
