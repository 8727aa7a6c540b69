"""Pipeline fixtures: the compiled graph over the seeded corpus, offline, without a checkpointer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from agents.context import AgentContext
from agents.graph import build_graph
from core.llm import LLMRouter
from core.schemas import LoanApplication, validate_application
from core.settings import PROJECT_ROOT
from policy.evidence import EvidenceResolver
from rag.retrieval import Retriever
from rag.retrieval.rerank import NoOpReranker
from tests.agents.support import graph_state

SAMPLES = sorted((PROJECT_ROOT / "seed_data" / "applications").glob("*.json"))


def load_sample(path: Path) -> tuple[LoanApplication, dict[str, Any]]:
    data = json.loads(path.read_text())
    return validate_application(data["application"]), data["expected"]


@pytest.fixture(scope="session")
def read_sessions(seeded_engine):
    """Sessions for read-only work from several threads (parallel agents): one connection each."""
    return sessionmaker(bind=seeded_engine)


@pytest.fixture(scope="session")
def retriever_shared(read_sessions, embedder, settings) -> Retriever:
    return Retriever(session_factory=read_sessions, embedder=embedder, reranker=NoOpReranker(), settings=settings)


@pytest.fixture(scope="session")
def agent_context(retriever_shared, read_sessions, settings) -> AgentContext:
    return AgentContext(
        evidence=EvidenceResolver(retriever_shared), router=LLMRouter(settings), session_factory=read_sessions
    )


@pytest.fixture(scope="session")
def graph():
    return build_graph()


@pytest.fixture(scope="session")
def underwrite(graph, agent_context):
    """Run the whole graph on an application; returns the final state."""

    def run(app: LoanApplication, context: AgentContext | None = None) -> dict[str, Any]:
        return graph.invoke(graph_state(app), context=context or agent_context)

    return run
