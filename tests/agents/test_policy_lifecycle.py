"""A run pins one published policy: replaying it gives the same decision, reasons and figures; a new
document version is only a candidate until a person publishes it; with no publication everything refers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from agents.events import RunFinished, RunStarted
from agents.redecide import candidate, pinned_context, redecide, replay
from core.audit import verify_chain
from core.models import PolicyPublication, Run
from policy.publication import NO_RULEBOOK, PublishRefused, latest, publish
from policy.rules import load_rules
from tests.agents.conftest import SAMPLES, load_sample
from tests.agents.support import app, make_service, with_min_score
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration

lifecycle_engine = seeded_clone("lg_policy_lifecycle")


@pytest.fixture(scope="module")
def service(lifecycle_engine, embedder, settings):
    return make_service(lifecycle_engine, embedder, settings)


def run(service, application) -> tuple[RunStarted, RunFinished]:
    events = list(service.run(application))
    return events[0], events[-1]


def test_each_run_stores_the_publication_and_policy_version_it_decided_under(service, lifecycle_engine):
    started, _ = run(service, app())
    with sessionmaker(bind=lifecycle_engine)() as s:
        stored = s.get(Run, started.run_id)
        published = latest(session=s)  # the current one (other tests in this module publish more)
        first = s.scalars(select(PolicyPublication).order_by(PolicyPublication.id)).first()
        assert stored.policy_publication_id == published.id and first is not None and first.how == "first_start"
        assert stored.policy_version == published.policy_version and len(stored.policy_version) == 16
        assert stored.ruleset_version == published.rulebook_hash


@pytest.mark.parametrize(
    "sample", [p for p in SAMPLES if p.name[:2] in ("01", "05", "07", "13", "20")], ids=lambda p: p.stem
)
def test_replaying_a_run_under_its_policy_gives_the_same_decision_reasons_and_figures(
    service, lifecycle_engine, sample
):
    application, _ = load_sample(sample)
    started, finished = run(service, application)
    with sessionmaker(bind=lifecycle_engine)() as s:
        result = replay(started.run_id, context=service.context, session=s)
    assert result.same, (result.stored, result.replayed)
    assert result.same_policy and result.replayed.recommendation == finished.report.recommendation
    assert result.replayed.figures  # the Ratio agent's numbers were compared, not only the outcome


def test_a_publish_refuses_gaps_unless_accepted_and_decisions_follow_the_publication(service, lifecycle_engine):
    applicant = app(credit_score=640)  # a clean conventional file: 640 clears today's minimum of 620
    before, done = run(service, applicant)
    assert done.report.recommendation == "APPROVE"
    raised = with_min_score(660)  # the rulebook says 660, the policy text still says 620
    with sessionmaker(bind=lifecycle_engine)() as s:
        with pytest.raises(PublishRefused, match="conventional.min_credit_score: value_changed"):
            publish(raised, session=s, approver="Dana Policy", name="raise")
        impact = redecide(
            before_facts(s, before.run_id),
            context=pinned_context(service.context, candidate(raised, session=s)),
            publication=candidate(raised, session=s),
        )
    # the candidate's changed value was not verified: the file goes to a person, never a silent decline
    assert impact.recommendation == "REFER" and "conventional.min_credit_score" in impact.moved_by
    with sessionmaker(bind=lifecycle_engine).begin() as s:
        published, report = publish(
            raised, session=s, approver="Dana Policy", name="raise", accept_gaps="text update pending"
        )
        assert [c.rule_id for c in report.gaps] == ["conventional.min_credit_score"]
    after, done_after = run(service, applicant)
    assert done_after.report.recommendation == "REFER"
    assert any("conventional.min_credit_score" in f or "Minimum credit score" in f for f in done_after.report.findings)
    with sessionmaker(bind=lifecycle_engine)() as s:
        assert s.get(Run, after.run_id).policy_publication_id == published.id
        row = s.scalars(select(PolicyPublication).where(PolicyPublication.id == published.id)).one()
        assert row.approver == "Dana Policy" and row.accept_reason == "text update pending"
        assert verify_chain(s).ok
        # the old run still replays to its own decision under its own publication
        old = replay(before.run_id, context=service.context, session=s)
        assert old.same and old.replayed.recommendation == "APPROVE"
    with sessionmaker(bind=lifecycle_engine).begin() as s:  # put the seed rulebook back for the next tests
        publish(load_rules(), session=s, approver="Dana Policy", name="seed again")


def before_facts(session, run_id: str) -> dict:
    return session.get(Run, run_id).application.data


def test_with_no_published_rulebook_every_file_refers_with_one_reason(service, empty_engine):
    from agents.context import AgentContext
    from policy.evidence import EvidenceResolver

    empty = sessionmaker(bind=empty_engine)  # migrated, nothing ingested or published
    ctx = AgentContext(
        evidence=EvidenceResolver(service.context.evidence.retriever, session_factory=empty),
        router=service.context.router,
        session_factory=empty,
    )
    decided = redecide(_facts(app()), context=ctx, publication=None)
    assert decided.recommendation == "REFER"
    assert len(decided.findings) == 1 and NO_RULEBOOK in decided.findings[0].lower()


def _facts(application) -> dict:
    from core.schemas import application_facts

    return application_facts(application)
