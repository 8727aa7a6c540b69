"""Another lender's policy end to end, as a lender would do it: ingest its guide into a fresh database,
draft a rulebook from its PDFs, publish it (refused until the approver accepts the rules its guide does not
state), then underwrite its applicants: the decisions follow ITS thresholds, not ours."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from agents.context import AgentContext
from agents.redecide import redecide
from core.llm import LLMRouter
from core.schemas import application_facts, validate_application
from core.settings import PROJECT_ROOT
from policy.draft import draft, pdf_paths
from policy.draft_cli import as_rulebook
from policy.evidence import EvidenceResolver
from policy.publication import PublishRefused, publish
from policy.rules import rules_from_data
from rag.retrieval import Retriever
from rag.retrieval.rerank import NoOpReranker
from tests.agents.support import graph_state
from tests.conftest import _fresh_database

pytestmark = pytest.mark.integration

LENDER = PROJECT_ROOT / "seed_data" / "lenders" / "keystone_valley"
APPLICANTS = sorted((LENDER / "applications").glob("*.json"))


@pytest.fixture(scope="module")
def lender_engine(server_url, embedder, settings) -> Engine:
    from rag.ingest import ingest_paths

    engine = _fresh_database(server_url, "lg_lender_keystone")
    reports = ingest_paths([LENDER], session_factory=sessionmaker(bind=engine), embedder=embedder, settings=settings)
    assert [r.status for r in reports] == ["ingested"] * 3
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def published(lender_engine):
    rules = rules_from_data(as_rulebook(draft(pdf_paths([str(LENDER)])), "Keystone draft")["rules"])
    sessions = sessionmaker(bind=lender_engine)
    with sessions.begin() as s, pytest.raises(PublishRefused, match="not_stated"):
        publish(rules, session=s, approver="R. Chen", name="Keystone")  # slots its manuals do not state
    with sessions.begin() as s:
        pub, report = publish(
            rules, session=s, approver="R. Chen", name="Keystone", accept_gaps="Keystone's manuals state no such rule"
        )
    assert {c.status for c in report.gaps} == {"not_stated"}  # every drafted rule verified against its text
    return pub


@pytest.fixture(scope="module")
def context(lender_engine, embedder, settings) -> AgentContext:
    sessions = sessionmaker(bind=lender_engine)
    retriever = Retriever(session_factory=sessions, embedder=embedder, reranker=NoOpReranker(), settings=settings)
    return AgentContext(evidence=EvidenceResolver(retriever), router=LLMRouter(settings), session_factory=sessions)


@pytest.mark.parametrize("path", APPLICANTS, ids=lambda p: p.stem)
def test_the_lenders_applicants_are_decided_by_its_own_thresholds(published, context, path):
    data = json.loads(path.read_text())
    decided = redecide(
        application_facts(validate_application(data["application"])), context=context, publication=published
    )
    assert decided.recommendation == data["expected"]["decision"], decided.findings


def test_its_changed_limit_is_the_one_applied_and_cited(published, context):
    data = json.loads((LENDER / "applications" / "k02_conventional_score_639_decline.json").read_text())
    decided = redecide(
        application_facts(validate_application(data["application"])), context=context, publication=published
    )
    assert any("639 is below the 640 minimum" in f for f in decided.findings)  # ours says 620
    assert published.citation("conventional.min_credit_score").doc_name.startswith("Member Mortgage")


def test_its_obligation_sentences_are_carried_as_cited_conditions(published, context):
    data = json.loads(APPLICANTS[0].read_text())
    from agents.graph import build_graph

    final = build_graph().invoke(
        graph_state(
            validate_application(data["application"]),
            corpus_version=published.corpus_version,
            ruleset_version=published.rulebook_hash,
            policy_publication_id=published.id,
        ),
        context=context,
    )
    carried = final["report"].standard_conditions
    assert carried and all("(" in c and "p. " in c for c in carried)
    assert not [x for x in final["report"].findings if x.startswith("UNVERIFIED")]
