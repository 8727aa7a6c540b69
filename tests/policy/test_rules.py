"""The rulebook: every rule's value is the number its cited policy sentence states, verified from the text
(also broken across lines), the file refuses a bad rule, and it round-trips without loss."""

from __future__ import annotations

import json
import re

import pytest

from core.errors import ConfigurationError
from core.settings import PROJECT_ROOT
from policy.corpus import PolicyText
from policy.grammar import same_quantity
from policy.rules import (
    DEFAULT_RULES_PATH,
    Rule,
    dump_rulebook,
    load_rules,
    quote_in_text,
    rule_applies,
    rulebook_hash,
)
from policy.verify import quantities, verify_rule
from tests.policy.rule_sentences import SENTENCES  # rule id -> (the corpus sentence, the numbers it states)

pytestmark = pytest.mark.unit

REG_B_REASONS = {  # fair lending policy 5.3 (Regulation B sample notice), mortgage-relevant subset
    "Credit application incomplete",
    "Temporary or irregular employment",
    "Unable to verify employment",
    "Length of employment",
    "Income insufficient for amount of credit requested",
    "Excessive obligations in relation to income",
    "Unable to verify income",
    "No credit file",
    "Limited credit experience",
    "Delinquent past or present credit obligations with others",
    "Collection action or judgment",
    "Garnishment or attachment",
    "Foreclosure or repossession",
    "Bankruptcy",
    "Number of recent inquiries on credit bureau report",
    "Value or type of collateral not sufficient",
}

RULES = load_rules()
BY_ID = {rule.id: rule for rule in RULES}


def line_broken(sentence: str, *, after_hyphens: bool = False) -> str:
    """The sentence as PDF extraction might give it: every other space a newline (and a break after each hyphen)."""
    words = sentence.split(" ")
    text = "".join(w + ("\n" if i % 2 else "  ") for i, w in enumerate(words)).rstrip()
    return re.sub(r"(?<=\w)-(?=\w)", "-\n", text) if after_hyphens else text


def corpus_of(doc_id: str, text: str) -> dict[str, PolicyText]:
    return {doc_id: PolicyText(doc_id, doc_id, hash(text) % 10**9, "h", None, (), ((1, text),), ())}


def test_every_rule_has_its_sentence_here():
    assert set(SENTENCES) == set(BY_ID)


@pytest.mark.parametrize("rule_id", sorted(SENTENCES))
def test_the_rulebook_value_is_the_number_its_cited_sentence_states(rule_id):
    sentence, expected = SENTENCES[rule_id]
    rule = BY_ID[rule_id]
    assert {name: v.number for name, v in rule.values.items()} == expected
    cited = rule.citation.sentence  # the whole sentence or list the rule's words sit in
    assert sentence in cited or (cited.startswith(sentence[:40]) and cited.endswith(sentence[-20:]))
    assert rule.citation.page and rule.citation.page >= 1


@pytest.mark.parametrize("rule_id", sorted(SENTENCES))
def test_the_rule_verifies_from_its_sentence_broken_across_lines_inside_a_passage(rule_id):
    rule = BY_ID[rule_id]
    passage = f"5.2 Limits\nThe text before\nthis rule.  {line_broken(rule.citation.sentence)}\nThe text after it."
    check = verify_rule(rule, corpus_of(rule.doc_id, passage))
    assert check.status == "verified", check.detail
    assert quote_in_text(rule.citation.sentence, passage)


@pytest.mark.parametrize("rule_id", sorted(r for r, (s, _) in SENTENCES.items() if re.search(r"\w-\w", s)))
def test_a_line_break_after_a_hyphen_still_verifies(rule_id):
    rule = BY_ID[rule_id]
    passage = line_broken(rule.citation.sentence, after_hyphens=True)
    check = verify_rule(rule, corpus_of(rule.doc_id, passage.replace("-\n", "-")))
    assert check.status == "verified", check.detail


@pytest.mark.parametrize("rule_id", sorted(r for r, (_, v) in SENTENCES.items() if v))
def test_another_number_in_the_cited_sentence_is_not_verified(rule_id):
    rule = BY_ID[rule_id]
    sentence = rule.citation.sentence
    for name, value in rule.values.items():  # each value, in digits or words, replaced by another number
        q = next(q for q in quantities(sentence) if same_quantity(q, value.number, value.unit))
        edited = (
            sentence[: q.span[0]]
            + ("$77,777" if value.unit == "usd" else "77")
            + sentence[q.span[0] : q.span[1]].lstrip("$0123456789,. ").split(" ", 1)[-1]
            if False
            else sentence[: q.span[0]] + _other(sentence[q.span[0] : q.span[1]]) + sentence[q.span[1] :]
        )
        assert verify_rule(rule, corpus_of(rule.doc_id, edited)).status != "verified", (name, edited)


def _other(stated: str) -> str:
    """The same quantity with another number: '45%' -> '77%', 'four' -> '77', '$100,000' -> '$77,777'."""
    return re.sub(
        r"\$?\s?[\d,]+(?:\.\d+)?|[a-z]+(?:[\s-][a-z]+)*",
        lambda m: "$77,777" if m.group().startswith("$") else "77",
        stated,
        count=1,
        flags=re.IGNORECASE,
    )


def test_quote_verification_normalises_whitespace():
    assert quote_in_text(
        "A back-end DTI ratio above 50% is ineligible.", "x\nA back-end  DTI\nratio above 50% is ineligible."
    )
    assert not quote_in_text(
        "A back-end DTI ratio above 55% is ineligible.", "A back-end DTI ratio above 50% is ineligible."
    )
    assert not quote_in_text("  ", "anything")


def test_adverse_reasons_use_regulation_b_wording():
    for rule in RULES:
        if rule.reason_family == "credit_score":
            assert rule.adverse_reason is None, rule.id  # key factors instead, never "score too low"
        elif rule.adverse_reason is not None:
            assert rule.adverse_reason in REG_B_REASONS or rule.adverse_reason.startswith("Other, specify: "), rule.id
        assert rule.label and rule.query and rule.doc_id


def test_queries_state_no_thresholds():
    assert [r.id for r in RULES if re.search(r"\d", r.query)] == []


class _App:
    loan_type, occupancy, property_units, loan_purpose, product = "conventional", "primary", 1, "purchase", "fixed"


def test_rule_applies_by_program_and_scope():
    app = _App()
    assert rule_applies(BY_ID["conventional.max_ltv_primary"], app)
    assert not rule_applies(BY_ID["conventional.max_ltv_second_home"], app)
    assert not rule_applies(BY_ID["conventional.max_ltv_multi_unit"], app)
    assert not rule_applies(BY_ID["fha.max_dti"], app)
    assert rule_applies(BY_ID["atr_qm.max_term"], app)
    assert not rule_applies(BY_ID["atr_qm.prohibited_features"], app)


def _write(tmp_path, rules):
    path = tmp_path / "rulebook.json"
    path.write_text(json.dumps({"rules": rules}))
    return path


def _raw(index: int) -> dict:
    return json.loads(DEFAULT_RULES_PATH.read_text())["rules"][index]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "max_vibes"}, "unknown kind"),
        ({"program": "heloc"}, "unknown program"),
        ({"values": {"value": {"number": "45", "unit": "furlongs"}}}, "unknown unit"),
        ({"values": {"value": {"number": "forty", "unit": "percent"}}}, "InvalidOperation"),
        ({"citation": {"document": "conventional", "sentence": ""}}, "must cite"),
        ({"adverse_reason": None}, "adverse_reason must be null"),
        ({"label": None} | {}, ""),
    ],
)
def test_load_rules_refuses_a_bad_rule(tmp_path, change, message):
    raw = {**_raw(1), **change}
    if change == {"label": None}:
        raw.pop("label")
        message = "label"
    with pytest.raises(ConfigurationError, match=message):
        load_rules(_write(tmp_path, [raw]))


def test_load_rules_refuses_duplicates_and_unreadable_files(tmp_path):
    raw = _raw(0)
    with pytest.raises(ConfigurationError, match="duplicate"):
        load_rules(_write(tmp_path, [raw, raw]))
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_rules(tmp_path / "missing.json")
    assert isinstance(RULES[0], Rule)


def test_the_rulebook_round_trips_and_its_hash_ignores_formatting(tmp_path):
    path = tmp_path / "again.json"
    path.write_text(dump_rulebook(RULES, name="again"))
    again = load_rules(path)
    assert again == RULES and [r.values for r in again] == [r.values for r in RULES]
    assert rulebook_hash(again) == rulebook_hash(RULES)
    changed = json.loads(path.read_text())
    changed["rules"][0]["values"]["value"]["number"] = "640"
    path.write_text(json.dumps(changed))
    assert rulebook_hash(load_rules(path)) != rulebook_hash(RULES)


@pytest.mark.integration  # reads the seed PDFs (no database, no model)
@pytest.mark.parametrize("doc_id", sorted({r.doc_id for r in RULES}))
def test_every_rule_verifies_against_the_seed_policy_pdf_it_cites(doc_id):
    from rag.pdf import parse_pdf

    pdf = PROJECT_ROOT / "seed_data" / "policies" / f"{doc_id}.pdf"
    assert pdf.exists(), f"{pdf} is bundled and must be there"
    doc = parse_pdf(pdf.read_bytes(), fallback_name=doc_id)
    corpus = {
        doc_id: PolicyText(
            doc_id, doc.meta.doc_name, 1, "h", None, (), tuple((p.page_num, p.text) for p in doc.pages), ()
        )
    }
    for rule in (r for r in RULES if r.doc_id == doc_id):
        check = verify_rule(rule, corpus)
        assert check.status == "verified" and not check.reworded, (rule.id, check.detail)
