"""The rulebook: every rule's value is the number its cited policy sentence states, verified from the text
(also broken across lines), the file refuses a bad rule, and it round-trips without loss."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D

import pytest

from policy.corpus import PolicyText
from policy.rules import (
    DEFAULT_RULES_PATH,
    Rule,
    dump_rulebook,
    load_rules,
    quote_in_text,
    rule_applies,
    rulebook_hash,
)
from policy.grammar import same_quantity
from policy.verify import quantities, verify_rule
from core.errors import ConfigurationError
from core.settings import PROJECT_ROOT
from tests.agents.money_rule_sentences import MONEY_SENTENCES

pytestmark = pytest.mark.unit

# rule id -> (the corpus sentence, verbatim, and the numbers it states)
SENTENCES: dict[str, tuple[str, dict[str, D]]] = {
    "conventional.min_credit_score": ("The minimum credit score for a conventional loan is 620.", {"value": D(620)}),
    "conventional.max_dti": ("The maximum back-end DTI ratio for a conventional loan is 45%.", {"value": D(45)}),
    "conventional.max_dti_with_review": (
        "A back-end DTI ratio above 45% and up to 50% is permitted only with compensating factors and human underwriter review.",
        {"above": D(45), "value": D(50)},
    ),
    "conventional.compensating_factors": (
        "Compensating factors are reserves of at least 12 months of PITI or a credit score of 720 or higher.",
        {"reserves_months": D(12), "credit_score": D(720)},
    ),
    "conventional.dti_ineligible_above": ("A back-end DTI ratio above 50% is ineligible.", {"value": D(50)}),
    "conventional.max_ltv_primary": (
        "The maximum LTV for a one-unit primary residence purchase or rate/term refinance is 97% for first-time homebuyers and 95% for all other borrowers.",
        {"first_time": D(97), "other": D(95)},
    ),
    "conventional.max_ltv_second_home": ("The maximum LTV for a second home is 90%.", {"value": D(90)}),
    "conventional.max_ltv_investment": ("The maximum LTV for an investment property is 85%.", {"value": D(85)}),
    "conventional.max_ltv_cash_out": ("The maximum LTV for a cash-out refinance is 80%.", {"value": D(80)}),
    "conventional.max_ltv_multi_unit": (
        "The maximum LTV for a two- to four-unit primary residence is 85%.",
        {"value": D(85)},
    ),
    "conventional.mi_required_above_ltv": (
        "Mortgage insurance is required when the LTV exceeds 80%.",
        {"value": D(80)},
    ),
    "conventional.conforming_limit": (
        "The 2026 conforming loan limit for a one-unit property is $832,750.",
        {"year": D(2026), "value": D(832750)},
    ),
    "conventional.min_reserves_investment": (
        "An investment property requires reserves of at least 6 months of PITI.",
        {"value": D(6)},
    ),
    "fha.min_credit_score": ("The minimum credit score for an FHA loan is 500.", {"value": D(500)}),
    "fha.max_ltv_score_580": (
        "A credit score of 580 or higher qualifies for a maximum LTV of 96.5%.",
        {"min_score": D(580), "value": D("96.5")},
    ),
    "fha.max_ltv_score_500": (
        "A credit score from 500 to 579 limits the maximum LTV to 90%.",
        {"min_score": D(500), "max_score": D(579), "value": D(90)},
    ),
    "fha.max_front_end": ("The maximum housing ratio for an FHA loan is 31%.", {"value": D(31)}),
    "fha.max_dti": ("The maximum total DTI ratio for an FHA loan is 43%.", {"value": D(43)}),
    "fha.max_dti_with_review": (
        "A total DTI ratio above 43% and up to 50% is permitted only with compensating factors and human underwriter review.",
        {"above": D(43), "value": D(50)},
    ),
    "fha.dti_ineligible_above": ("A total DTI ratio above 50% is ineligible.", {"value": D(50)}),
    "fha.primary_residence_only": ("FHA loans are available for primary residences only.", {}),
    "fha.upfront_mip": (
        "The upfront mortgage insurance premium is 1.75% of the base loan amount.",
        {"value": D("1.75")},
    ),
    "fha.annual_mip": (
        "The annual mortgage insurance premium is 0.55% when the LTV exceeds 95% and 0.50% when the LTV is 95% or less.",
        {"rate_above_split": D("0.55"), "ltv_split": D(95), "rate_at_or_below_split": D("0.50")},
    ),
    "va.coe_required": (
        "VA loans are available only to eligible veterans, service members and surviving spouses with a Certificate of Eligibility.",
        {},
    ),
    "va.max_ltv": ("The maximum LTV for a VA loan is 100%.", {"value": D(100)}),
    "va.max_dti": ("The VA total DTI guideline is 41%.", {"value": D(41)}),
    "va.dti_review_above": (
        "A total DTI ratio above 41% requires human underwriter review of residual income.",
        {"value": D(41)},
    ),
    "va.min_credit_score": ("The minimum credit score for a VA loan is 580.", {"value": D(580)}),
    "va.primary_residence_only": ("VA loans are available for primary residences only.", {}),
    "usda.eligible_purchase": (
        "USDA loans are available only for the purchase of a primary residence in an eligible rural area.",
        {},
    ),
    "usda.max_ltv": ("The maximum LTV for a USDA loan is 100%.", {"value": D(100)}),
    "usda.min_credit_score": ("The minimum credit score for a USDA loan is 640.", {"value": D(640)}),
    "usda.max_front_end": ("The maximum housing ratio for a USDA loan is 29%.", {"value": D(29)}),
    "usda.max_dti": ("The maximum total DTI ratio for a USDA loan is 41%.", {"value": D(41)}),
    "usda.max_dti_with_review": (
        "A total DTI ratio above 41% and up to 44% is permitted only with human underwriter review.",
        {"above": D(41), "value": D(44)},
    ),
    "usda.dti_ineligible_above": ("A total DTI ratio above 44% is ineligible.", {"value": D(44)}),
    "usda.max_income_pct_ami": ("Household income may not exceed 115% of the area median income.", {"value": D(115)}),
    "usda.guarantee_fees": (
        "The upfront guarantee fee is 1.00% and the annual fee is 0.35%.",
        {"upfront": D("1.00"), "value": D("0.35")},
    ),
    "jumbo.min_credit_score": ("The minimum credit score for a jumbo loan is 700.", {"value": D(700)}),
    "jumbo.max_dti": ("The maximum back-end DTI ratio for a jumbo loan is 43%.", {"value": D(43)}),
    "jumbo.max_ltv_primary": ("The maximum LTV for a jumbo loan on a primary residence is 80%.", {"value": D(80)}),
    "jumbo.max_ltv_second_home": ("The maximum LTV for a jumbo loan on a second home is 70%.", {"value": D(70)}),
    "jumbo.investment_ineligible": ("Investment properties are ineligible for the jumbo program.", {}),
    "jumbo.min_reserves": ("A jumbo loan requires reserves of at least 12 months of PITI.", {"value": D(12)}),
    "jumbo.max_loan_amount": ("The maximum jumbo loan amount is $3,000,000.", {"value": D(3000000)}),
    "jumbo.min_loan_amount": (
        "A jumbo loan amount must exceed the conforming loan limit. For loans closing in 2026 the reference point is the 2026 one-unit baseline conforming limit of $832,750",
        {"year": D(2026), "value": D(832750)},
    ),
    "atr_qm.qm_only": ("We originate qualified mortgages only.", {}),
    "atr_qm.prohibited_features": (
        "A qualified mortgage may not have negative amortization, interest-only payments or a balloon payment.",
        {},
    ),
    "atr_qm.max_term": (
        "The loan term of a qualified mortgage may not exceed 30 years (360 months).",
        {"years": D(30), "value": D(360)},
    ),
    "atr_qm.points_and_fees": (
        "Points and fees may not exceed 3% of the total loan amount for a loan of $100,000 or more.",
        {"value": D(3), "min_loan_amount": D(100000)},
    ),
    "atr_qm.dti_review_above": (
        "The general QM rule no longer uses the 43% DTI limit; we still require human review of any back-end DTI ratio above 43%.",
        {"former_limit": D(43), "value": D(43)},
    ),
    "fair_lending.prohibited_bases": (
        "Credit decisions may never consider race, color, religion, national origin, sex, marital status, age, receipt of public assistance income, or the good faith exercise of rights under the Consumer Credit Protection Act.",
        {},
    ),
    "fair_lending.notice_days": (
        "Notice of action taken must be given within 30 days after receiving a completed application.",
        {"value": D(30)},
    ),
    "fair_lending.max_adverse_reasons": (
        "An adverse action notice states no more than four principal reasons.",
        {"value": D(4)},
    ),
    "underwriting_standards.pmi_rate": (
        "For qualifying, conventional private mortgage insurance is estimated at an annual rate of 0.50% of the loan amount.",
        {"value": D("0.50")},
    ),
    "underwriting_standards.arm_qualifying_rate": (
        "An adjustable-rate mortgage is qualified at the note rate plus 2 percentage points.",
        {"value": D(2)},
    ),
    "underwriting_standards.min_employment_years": (
        "A borrower must document at least 2 years of employment or self-employment history.",
        {"value": D(2)},
    ),
    "underwriting_standards.unemployed_ineligible": (
        "An applicant who is unemployed with no other documented income is ineligible.",
        {},
    ),
    # issue 9 part B
    "conventional.fixed_rate_above_ltv": ("Loans above 95% LTV must be fixed-rate.", {"value": D(95)}),
    "conventional.cltv_limits": ("The limits below apply to both LTV and combined LTV.", {}),
    "jumbo.cltv_limits": (
        "Combined LTV includes any subordinate lien that remains in place, and the limits below apply to both.",
        {},
    ),
    "conventional.cash_out_one_unit": ("cash-out refinances are available only on a one-unit primary residence", {}),
    "conventional.investment_one_unit": ("investment-property loans are available only as one-unit purchases", {}),
    "conventional.second_home_one_unit": ("A second home must be a one-unit property.", {}),
    "jumbo.one_unit_only": (
        "Two- to four-unit properties, co-operative units, condotels, manufactured homes, properties with more than 10 acres and properties with any agricultural or commercial use are ineligible.",
        {},
    ),
    "usda.one_unit_only": ("The property must be a modest one-unit dwelling", {}),
    "fha.manual_underwriting_score": (
        "Every file with a decision score from 500 to 579 goes to a human underwriter",
        {"min_score": D(500), "max_score": D(579)},
    ),
    "conventional.review_ltv_above": ("Any LTV above 95%.", {"value": D(95)}),
    "conventional.review_self_employed": (
        "A borrower with self-employment income or rental income used to qualify.",
        {},
    ),
    "jumbo.cash_out_ineligible": (
        "The following are ineligible under this guide: – Foreign nationals. – Cash-out refinances",
        {},
    ),
    "fha.cash_out_not_offered": (
        "FHA cash-out refinances, streamline refinances, 203(k) rehabilitation loans and reverse mortgages are not offered under this guide",
        {},
    ),
    "va.purchase_only": ("this guide covers purchase transactions only.", {}),
    "usda.review_income_near_limit": ("Household income within 5% of the applicable limit.", {"value": D(5)}),
    "fair_lending.incomplete_notice_deadline": (
        "Overlay: the deadline we give is at least 15 calendar days.",
        {"value": D(15)},
    ),
    # issue 20 item 8
    "conventional.first_time_homebuyer": (
        "A first-time homebuyer is a borrower who has had no ownership interest in a residential property during the three years before the application date.",
        {"years": D(3)},
    ),
    "fha.annual_mip_schedule": (
        "For a term of 15 years or less, or a base loan amount above $726,200, the underwriter applies the rate from HUD's current premium schedule for that loan and records it in the file.",
        {"term_years": D(15), "loan_amount": D(726200)},
    ),
    "usda.fixed_rate_30_year": (
        "The loan is a first-lien, fixed-rate mortgage with a 30-year term.",
        {"term_years": D(30)},
    ),
    "underwriting_standards.subordinate_lien_payment": (
        "(g) any other debt disclosed by the application, the credit report, bank statements or public records.",
        {},
    ),
}
SENTENCES.update(MONEY_SENTENCES)  # issue 9 part A: debts, assets, funds, pricing, county, residual income, gifts

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
