"""Query rewriting: glossary expansion both ways, deduplication, the LLM path and its fallback."""

import pytest

from rag.retrieval.rewrite import GLOSSARY_PATH, Glossary, GlossaryRewriter, GlossaryTerm, LLMRewriter, dedupe

pytestmark = pytest.mark.unit

TERMS = [
    GlossaryTerm("DTI", "debt-to-income ratio", ("debt-to-income",)),
    GlossaryTerm("FHA", "Federal Housing Administration"),
    GlossaryTerm("MI", "mortgage insurance"),
    GlossaryTerm("MIP", "mortgage insurance premium"),
]


@pytest.fixture
def rewriter() -> GlossaryRewriter:
    return GlossaryRewriter(Glossary(TERMS))


def test_abbreviations_are_spelled_out_and_both_forms_joined(rewriter):
    assert rewriter.variants("max DTI for an FHA loan") == [
        "max DTI for an FHA loan",
        "max debt-to-income ratio for an Federal Housing Administration loan",
        "max DTI for an FHA loan debt-to-income ratio Federal Housing Administration",
    ]


def test_spelled_out_terms_are_abbreviated_case_and_hyphen_insensitively(rewriter):
    assert rewriter.variants("Debt to income limit") == [
        "Debt to income limit",
        "DTI limit",
        "Debt to income limit DTI",
    ]


def test_longest_term_wins_and_a_term_is_matched_as_a_whole_word(rewriter):
    assert rewriter.variants("FHA mortgage insurance premium") == [
        "FHA mortgage insurance premium",
        "Federal Housing Administration mortgage insurance premium",
        "FHA MIP",
        "FHA mortgage insurance premium Federal Housing Administration MIP",
    ]
    assert rewriter.variants("MIDTIER fhareal") == ["MIDTIER fhareal"]


def test_a_repeated_word_is_collapsed_after_expansion(rewriter):
    assert rewriter.variants("DTI ratio")[1] == "debt-to-income ratio"


def test_no_glossary_term_means_only_the_original(rewriter):
    assert rewriter.variants("  minimum   credit score ") == ["minimum credit score"]


def test_variants_are_capped_and_deduplicated():
    capped = GlossaryRewriter(Glossary(TERMS), max_variants=1)
    assert capped.variants("FHA mortgage insurance premium") == [
        "FHA mortgage insurance premium",
        "Federal Housing Administration mortgage insurance premium",
    ]
    assert dedupe(["Debt-to-income", "debt to  income", "", "DTI"]) == ["Debt-to-income", "DTI"]


def test_the_shipped_glossary_covers_the_issue_terms():
    glossary = Glossary.load(GLOSSARY_PATH)
    abbrs = {t.abbr: t.expansion for t in glossary.terms}
    assert abbrs["DTI"] == "debt-to-income ratio" and abbrs["LTV"] == "loan-to-value ratio"
    assert abbrs["FHA"] == "Federal Housing Administration" and abbrs["QM"] == "qualified mortgage"
    assert {"PITI", "MIP", "ATR"} <= abbrs.keys()
    assert len(abbrs) == len(glossary.terms)  # no abbreviation listed twice
    assert GlossaryRewriter(glossary).variants("PITI for QM loans")[1] == (
        "principal, interest, taxes and insurance for qualified mortgage loans"
    )


def test_llm_variants_are_cleaned_deduplicated_and_capped(rewriter):
    prompts = []

    def complete(prompt: str) -> str:
        prompts.append(prompt)
        return (
            '1. Maximum debt-to-income ratio for FHA\n- max dti for an fha loan\n\n"FHA DTI cap"\nFHA DTI limit\nextra'
        )

    variants = LLMRewriter(complete, fallback=rewriter).variants("max DTI for an FHA loan")
    assert variants == [
        "max DTI for an FHA loan",
        "Maximum debt-to-income ratio for FHA",
        "FHA DTI cap",
        "FHA DTI limit",
    ]
    assert "max DTI for an FHA loan" in prompts[0]


def test_llm_failure_falls_back_to_the_glossary(rewriter, caplog):
    def broken(prompt: str) -> str:
        raise TimeoutError("provider timed out")

    assert LLMRewriter(broken, fallback=rewriter).variants("DTI limit") == rewriter.variants("DTI limit")
    assert "provider timed out" in caplog.text
