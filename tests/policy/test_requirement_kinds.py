"""What the engine does with each kind of inventory entry (issue 20, item 7), on an in-memory corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.schemas import validate_application
from policy.inventory.entries import Inventory, Requirement
from policy.inventory.requirements import CorpusChunk, Locator, evaluate, standard_texts
from tests.agents.support import BASE, ratio_figures

pytestmark = pytest.mark.unit

SENTENCES = {
    "k.001": ("rule", "The minimum credit score for a conventional loan is 620."),
    "k.002": ("review", "Every self-employed borrower goes to a person."),
    "k.003": ("file_condition", "Loans above 95% LTV need an education course."),
    "k.004": ("standard_condition", "Every file contains a signed application."),
    "k.005": ("not_obligation", "This guide covers conventional loans."),
    "k.006": ("file_condition", "Loans above 2 units need leases."),
}
WHEN = {
    "k.002": {"employment_status": ["self_employed"]},
    "k.003": {"ltv": {"gt": 95}},
    "k.006": {"property_units": {"gt": 2}},
}


def inventory() -> Inventory:
    reqs = tuple(
        Requirement(
            id=rid,
            doc="conventional",
            sentence=text,
            maps_to=kind,
            rules=("conventional.min_credit_score",) if kind == "rule" else (),
            applies_when=WHEN.get(rid, {}),
            why="A preamble." if kind == "not_obligation" else None,
        )
        for rid, (kind, text) in SENTENCES.items()
    )
    return Inventory(doc_programs={"conventional": "conventional"}, requirements=reqs)


def locator() -> Locator:
    text = " ".join(text for _, text in SENTENCES.values())
    return Locator([CorpusChunk(1, "conventional", "Conventional Guide", 4, "9 Documentation", None, text)])


def test_each_kind_gives_its_outcome():
    app = validate_application({**BASE, "employment_status": "self_employed"})
    result = evaluate(app, ratio_figures(ltv=Decimal("96.00")), locator(), inventory())
    assert {f.rule_id: f.status for f in result.findings} == {
        "requirement.k.002": "REVIEW",
        "requirement.k.003": "CONDITION",
    }
    assert result.standard_ids == ("k.004",)  # listed, not a finding: it leaves APPROVE an APPROVE
    assert standard_texts(result.standard_ids, locator(), inventory()) == (
        "Every file contains a signed application. (Conventional Guide, p. 4, 9 Documentation)",
    )


def test_review_and_file_condition_only_on_the_files_they_select():
    app = validate_application(BASE)
    result = evaluate(app, ratio_figures(ltv=Decimal("80.00")), locator(), inventory())
    assert result.findings == () and result.standard_ids == ("k.004",)


def test_a_not_obligation_missing_from_the_corpus_is_not_a_finding():
    """Only what changes a decision must be found in the corpus; a preamble that is gone refers nothing."""
    bare = Locator([CorpusChunk(1, "conventional", "Conventional Guide", 4, None, None, "Unrelated text.")])
    result = evaluate(validate_application(BASE), ratio_figures(ltv=Decimal("80.00")), bare, inventory())
    assert {f.rule_id for f in result.findings} == {"requirement.k.004"}  # the standard condition is UNVERIFIED
    assert {f.status for f in result.findings} == {"UNVERIFIED"}
