"""A rule's value is verified against the full text of its document, tolerant of phrasing: reworded with
the same number still verified; another number reported as changed; two numbers conflicting; gone missing."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from core.text import normalise
from policy.corpus import ChunkRef, PolicyText
from policy.rules import Rule, RuleCitation, Value, load_rules
from policy.verify import verify_rule

pytestmark = pytest.mark.unit

_IDS = itertools.count(10_000)


def doc(*pages: str, stem: str = "conventional") -> dict[str, PolicyText]:
    """A one-document corpus whose pages are `pages` (page 1 is a title page), one chunk per page."""
    all_pages = ("Conventional Lending Guide\nVersion 9", *pages)
    numbered = tuple((i + 1, text) for i, text in enumerate(all_pages))
    document_id = next(_IDS)
    chunks = tuple(ChunkRef(document_id * 10 + n, n, n, "3. Credit", None, normalise(t)) for n, t in numbered)
    return {stem: PolicyText(stem, "Conventional Guide", document_id, "h", "9", ("conventional",), numbered, chunks)}


def rule(rule_id: str) -> Rule:
    return next(r for r in load_rules() if r.id == rule_id)


SCORE = "The minimum credit score for a conventional loan is 620."


def test_the_cited_sentence_verifies_with_its_page_and_chunk():
    check = verify_rule(rule("conventional.min_credit_score"), doc("Intro text.", f"3.1 Minimum\n{SCORE}"))
    assert check.status == "verified" and not check.reworded
    assert check.citation.page_num == 3 and check.citation.quote == SCORE


@pytest.mark.parametrize(
    "reworded",
    [
        "Conventional borrowers must have a credit score of at least 620.",
        "A credit score no lower than six hundred twenty is required for conventional financing.",
        "Credit scores for conventional\nloans must be 620 or higher.",  # broken across lines
    ],
)
def test_the_same_value_in_other_words_is_still_verified(reworded):
    check = verify_rule(rule("conventional.min_credit_score"), doc("Intro text.", reworded))
    assert check.status == "verified" and check.reworded, check.detail
    assert check.citation.quote == normalise(reworded)


@pytest.mark.parametrize(
    "phrase,value",
    [
        ("Back-end debt-to-income may not exceed forty-three percent for a conventional loan.", "43"),
        ("For a conventional loan the total debt ratio is capped at 43%.", "43"),
        ("The back-end DTI ratio for a conventional loan must be at or below 43 percent.", "43"),
    ],
)
def test_tolerant_phrasing_of_a_maximum(phrase, value):
    base = rule("conventional.max_dti")
    changed = Rule(
        **{
            **base.__dict__,
            "values": {"value": Value(D(value), "percent")},
            "citation": RuleCitation("conventional", "The maximum back-end DTI ratio for a conventional loan is 43%."),
        }
    )
    check = verify_rule(changed, doc("Intro.", phrase))
    assert check.status == "verified", check.detail


def test_another_number_is_reported_as_changed():
    check = verify_rule(
        rule("conventional.min_credit_score"),
        doc("Intro.", "Conventional borrowers must have a credit score of at least 640."),
    )
    assert check.status == "value_changed" and check.found.get("count") == "640", check.detail


def test_the_verbatim_sentence_with_an_edited_number_is_changed():
    check = verify_rule(rule("conventional.min_credit_score"), doc(SCORE.replace("620", "660")))
    assert check.status == "value_changed"


def test_two_passages_stating_the_rule_with_different_numbers_conflict():
    check = verify_rule(
        rule("conventional.min_credit_score"), doc(SCORE, "The minimum credit score for a conventional loan is 660.")
    )
    assert check.status == "conflicting" and "660" in check.detail


def test_a_rule_whose_subject_is_gone_is_missing():
    check = verify_rule(rule("conventional.min_credit_score"), doc("Reserves of six months are required."))
    assert check.status == "missing"


def test_a_document_not_in_the_corpus_is_missing():
    check = verify_rule(rule("conventional.min_credit_score"), doc(SCORE, stem="other"))
    assert check.status == "missing" and "not in the corpus" in check.detail


def test_a_sentence_on_the_last_of_many_pages_is_found():
    pages = [f"Page {n} says nothing about credit." for n in range(2, 900)]
    check = verify_rule(rule("conventional.min_credit_score"), doc(*pages, SCORE))
    assert check.status == "verified" and check.citation.page_num == 900


def test_a_value_stated_only_in_a_table_row_verifies_with_its_header():
    base = rule("conventional.max_ltv_cash_out")
    table = (
        "Maximum LTV by transaction\nTransaction Maximum LTV\nPurchase 95%\nCash-out refinance 78%\n"
        "Rate/term refinance 90%"
    )
    moved = Rule(**{**base.__dict__, "values": {"value": Value(D(78), "percent")}})
    check = verify_rule(moved, doc("Intro.", table))
    assert check.status == "verified", check.detail
    assert check.citation.quote == "Cash-out refinance 78%" and check.citation.page_num == 3
