"""Issue 9 part B, pure parts: evidence only from a published, verified rule (issue 20), contradicting
narratives, the order of principal reasons, the verdicts a route requires."""

from __future__ import annotations

import pytest

from agents.narrative_guard import contradicts
from agents.verdicts import Finding
from policy.evidence import EvidenceResolver
from policy.outcomes import importance, shortfall
from policy.publication import NO_RULEBOOK, PublishedPolicy
from policy.rules import load_rules
from rag.retrieval.types import Filters, RetrievalResult, RetrievalTrace

pytestmark = pytest.mark.unit

RULE = next(r for r in load_rules() if r.id == "usda.dti_ineligible_above")


class FakeRetriever:
    """Returns nothing for any query: evidence must not depend on what a search ranks."""

    def retrieve(self, query, filters=None, k=5):
        trace = RetrievalTrace(query=query, filters=filters or Filters(), k=k, stages=(), results=(), total_ms=0)
        return RetrievalResult(query=query, chunks=(), trace=trace)


def publication(sentence: str, *, checks: dict | None = None, rules=None) -> PublishedPolicy:
    """A publication of the seed rulebook whose USDA DTI rule was verified in `sentence` (chunk 7, page 4)."""
    citation = {
        "chunk_id": 7,
        "doc_name": "USDA Guide",
        "page_num": 4,
        "section": "5",
        "subsection": None,
        "quote": sentence,
    }
    verified = {RULE.id: {"rule_id": RULE.id, "status": "verified", "detail": "", "citation": citation}}
    return PublishedPolicy(
        id=3,
        name="t",
        approver="A. Officer",
        how="published",
        published_at=None,
        rules=tuple(load_rules() if rules is None else rules),
        rulebook_hash="h",
        document_ids=(1,),
        corpus_version="c",
        policy_version="p",
        checks=verified if checks is None else checks,
    )


def resolve(pub: PublishedPolicy | None):
    resolver = EvidenceResolver(FakeRetriever(), session_factory=None, pinned=pub)
    return resolver.resolve(RULE.id, publication=None)


def test_the_value_is_the_published_rulebooks_cited_where_it_was_verified():
    ev = resolve(publication("A total DTI ratio above 44% is ineligible."))
    assert ev.found and ev.value() == 44 and ev.citation.doc_name == "USDA Guide" and ev.citation.page_num == 4
    assert ev.trace["publication"] == 3


def test_a_rule_not_verified_at_publication_is_unverified():
    gap = {RULE.id: {"rule_id": RULE.id, "status": "value_changed", "detail": "page 4 now says 45%", "citation": None}}
    ev = resolve(publication("x", checks=gap))
    assert not ev.found and "value_changed: page 4 now says 45%" in ev.trace["unverified"]


def test_a_rule_the_published_rulebook_lacks_is_unverified():
    ev = resolve(publication("x", rules=[r for r in load_rules() if r.id != RULE.id]))
    assert not ev.found and "not in the published rulebook" in ev.trace["unverified"]
    assert ev.rule.label == RULE.label  # named by the engine's slot


def test_without_a_published_rulebook_every_rule_is_unverified():
    ev = resolve(None)
    assert not ev.found and ev.trace["unverified"] == NO_RULEBOOK


@pytest.mark.parametrize(
    "verdict, text, contradicted",
    [
        ("DECLINE", "Looks fine to me: approve.", True),
        ("INELIGIBLE", "The borrower is eligible and the loan can be approved.", True),
        ("APPROVE", "The file is declined for excessive obligations.", True),
        ("REFER", "Approved without conditions.", True),
        ("DECLINE", "Declined: the DTI is above the maximum.", False),
        ("DECLINE", "The file cannot be approved: it is declined.", False),
        ("APPROVE_WITH_CONDITIONS", "Approve once mortgage insurance is in place.", False),
        ("B", "Looks fine to me: approve.", False),  # a risk grade has no outcome to contradict
    ],
)
def test_contradicting_narratives_are_caught(verdict, text, contradicted):
    assert (contradicts(verdict, text) is not None) is contradicted


def f(threshold, actual, rule_id="x"):
    return Finding(rule_id=rule_id, label="l", status="FAIL", message="m", threshold=threshold, actual=actual)


def test_reasons_are_ordered_by_how_far_the_rule_is_missed():
    dti, ltv, reserves = f("50%", "57.2%"), f("85%", "90%"), f("6 months", "1.89 months")
    assert abs(float(shortfall(ltv)) - 5 / 85) < 1e-9
    ordered = sorted([dti, ltv, reserves], key=lambda x: importance(x, 0))
    assert ordered == [reserves, dti, ltv]
    # a yes/no eligibility break (no number) comes before any shortfall
    occupancy = f(None, None)
    assert sorted([dti, occupancy], key=lambda x: importance(x, 5))[0] is occupancy
