"""Issue 9 part B, pure parts: evidence from the wrong document or disagreeing passages, contradicting
narratives, the order of principal reasons, the verdicts a route requires."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from policy.evidence import EvidenceResolver
from agents.narrative_guard import contradicts
from policy.outcomes import importance, shortfall
from policy.rules import load_rules
from agents.verdicts import Finding
from rag.retrieval.types import Chunk, Filters, RetrievalResult, RetrievalTrace, ScoredChunk

pytestmark = pytest.mark.unit

RULE = next(r for r in load_rules() if r.id == "usda.dti_ineligible_above")


class FakeRetriever:
    """Returns the given chunks for any query; documents are told apart by title."""

    def __init__(self, texts: list[tuple[str, str]]):
        self.chunks = tuple(ScoredChunk(Chunk(id=i, text=t, doc_name=doc, page_num=1, page_end=1), 1.0)
                            for i, (doc, t) in enumerate(texts))
        titles = {"USDA Guide": "usda.pdf", "FHA Guide": "fha.pdf"}
        self._session_factory = lambda: _FakeSession(titles)

    def retrieve(self, query, filters=None, k=5):
        trace = RetrievalTrace(query=query, filters=filters or Filters(), k=k, stages=(), results=self.chunks, total_ms=0)
        return RetrievalResult(query=query, chunks=self.chunks, trace=trace)


class _FakeSession:
    def __init__(self, titles):
        self.titles = titles

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, _statement):
        return SimpleNamespace(all=lambda: list(self.titles.items()))


def resolve(texts):
    return EvidenceResolver(FakeRetriever(texts), rules=load_rules()).resolve(RULE.id, corpus_version="t")


def test_threshold_from_its_own_document_is_read():
    ev = resolve([("FHA Guide", "A total DTI ratio above 50% is ineligible."),
                  ("USDA Guide", "A total DTI ratio above 44% is ineligible.")])
    assert ev.found and ev.value() == 44 and ev.citation.doc_name == "USDA Guide"


def test_threshold_only_in_another_document_is_unverified():
    ev = resolve([("FHA Guide", "A total DTI ratio above 50% is ineligible.")])
    assert not ev.found and "another document" in ev.trace["unverified"]


def test_two_passages_that_disagree_are_unverified():
    ev = resolve([("USDA Guide", "A total DTI ratio above 44% is ineligible."),
                  ("USDA Guide", "A total DTI ratio above 45% is ineligible.")])
    assert not ev.found and "disagree" in ev.trace["unverified"]


def test_two_passages_that_agree_are_read():
    ev = resolve([("USDA Guide", "A total DTI ratio above 44% is ineligible."),
                  ("USDA Guide", "Again: a total DTI ratio above 44% is ineligible.")])
    assert ev.found and ev.value() == 44


@pytest.mark.parametrize("verdict, text, contradicted", [
    ("DECLINE", "Looks fine to me: approve.", True),
    ("INELIGIBLE", "The borrower is eligible and the loan can be approved.", True),
    ("APPROVE", "The file is declined for excessive obligations.", True),
    ("REFER", "Approved without conditions.", True),
    ("DECLINE", "Declined: the DTI is above the maximum.", False),
    ("DECLINE", "The file cannot be approved: it is declined.", False),
    ("APPROVE_WITH_CONDITIONS", "Approve once mortgage insurance is in place.", False),
    ("B", "Looks fine to me: approve.", False),  # a risk grade has no outcome to contradict
])
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
