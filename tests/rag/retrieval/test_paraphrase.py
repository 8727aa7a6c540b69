"""Lay-term expansion: everyday phrasings gain the documents' own terms, deterministically."""

from __future__ import annotations

import json

import pytest

from rag.retrieval.paraphrase import LAY_TERMS_PATH, LayTerm, LayTermRewriter, LayTerms

pytestmark = pytest.mark.unit

TERMS = LayTerms(
    [
        LayTerm(("stops paying", "falls behind"), "delinquency"),
        LayTerm(("taking the house",), "foreclosure"),
        LayTerm(("homeowner",), "borrower"),
        LayTerm(("pad",), "cushion"),
    ]
)


def test_lay_phrasings_map_to_formal_terms_in_order_of_appearance():
    assert TERMS.formal_terms("When the homeowner stops paying, how soon is taking the house allowed?") == [
        "borrower",
        "delinquency",
        "foreclosure",
    ]


def test_matching_ignores_case_and_hyphens_and_needs_whole_words():
    assert TERMS.formal_terms("HOMEOWNER Falls-Behind") == ["borrower", "delinquency"]
    assert TERMS.formal_terms("a padded envelope for homeowners") == []


def test_a_query_in_the_documents_words_is_left_alone():
    assert TERMS.formal_terms("What escrow cushion may a servicer charge?") == []
    assert TERMS.formal_terms("the borrower's reserve pad or cushion") == []  # 'cushion' already there


def test_the_rewriter_appends_the_terms_to_the_query_once():
    rewriter = LayTermRewriter(TERMS)
    assert rewriter.variants("biggest pad?") == ["biggest pad?", "biggest pad? cushion"]
    assert rewriter.variants("escrow cushion") == ["escrow cushion"]
    assert rewriter.variants("biggest pad?") == rewriter.variants("biggest pad?")


def test_the_shipped_table_is_well_formed_and_general():
    data = json.loads(LAY_TERMS_PATH.read_text(encoding="utf-8"))["entries"]
    phrases = [p.casefold() for e in data for p in e["lay"]]
    assert len(data) >= 50 and all(e["lay"] and e["formal"].strip() for e in data)
    assert len(phrases) == len(set(phrases)), "a lay phrase maps to one idea only"
    assert all(len(p.split()) <= 6 for p in phrases), "phrasings, not whole questions"
    terms = LayTerms.load()
    assert terms.formal_terms("the homeowner stopped paying") == ["borrower", "delinquency", "delinquent"]
