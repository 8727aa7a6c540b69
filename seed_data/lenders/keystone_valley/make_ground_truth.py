"""Writes ground_truth.json: the rulebook a careful reader takes from the Keystone Valley manuals, by hand
(values below), each located on its 1-based PDF page.

Run: PYTHONPATH=. python seed_data/lenders/keystone_valley/make_ground_truth.py"""

import json
from pathlib import Path

from core.text import normalise
from rag.pdf import parse_pdf

D = Path("seed_data/lenders/keystone_valley")
M, G, U = "member_mortgage_manual", "government_loans", "underwriting_and_compliance"
# slot -> (document, a phrase of the sentence/row that states it, values {name: (number, unit)})
P, S, USD, MO, Y, C, DY = "percent", "score", "usd", "months", "years", "count", "days"
truth = {
    "conventional.min_credit_score": (M, "credit score is at least 640", {"value": ("640", S)}),
    "conventional.max_dti": (M, "may not exceed forty-three percent", {"value": ("43", P)}),
    "conventional.max_dti_with_review": (
        M,
        "above 43% but no greater than 49%",
        {"above": ("43", P), "value": ("49", P)},
    ),
    "conventional.dti_ineligible_above": (M, "is over 49% will be declined", {"value": ("49", P)}),
    "conventional.compensating_factors": (
        M,
        "credit score of 740 or above",
        {"reserves_months": ("12", MO), "credit_score": ("740", S)},
    ),
    "conventional.max_ltv_primary": (
        M,
        "up to 97% for a first-time buyer",
        {"first_time": ("97", P), "other": ("95", P)},
    ),
    "conventional.fixed_rate_above_ltv": (M, "above 95% LTV has to carry a fixed rate", {"value": ("95", P)}),
    "conventional.review_ltv_above": (M, "above 95% LTV has to carry a fixed rate", {"value": ("95", P)}),
    "conventional.max_ltv_second_home": (M, "Second home, one unit 85%", {"value": ("85", P)}),
    "conventional.max_ltv_investment": (M, "Investment property, one unit 80%", {"value": ("80", P)}),
    "conventional.max_ltv_cash_out": (M, "Cash-out refinance, primary residence 80%", {"value": ("80", P)}),
    "conventional.max_ltv_multi_unit": (M, "Two- to four-unit primary residence 85%", {"value": ("85", P)}),
    "conventional.mi_required_above_ltv": (M, "greater than 80% of value", {"value": ("80", P)}),
    "conventional.gift_min_contribution": (M, "at least 5% of the price", {"ltv": ("80", P), "value": ("5", P)}),
    "conventional.conforming_limit": (
        M,
        "conforming loan limit for a one-unit property is $832,750",
        {"year": ("2026", C), "value": ("832750", USD)},
    ),
    "conventional.min_reserves_investment": (M, "no less than six months", {"value": ("6", MO)}),
    "conventional.min_reserves_second_home": (M, "needs two months of PITI", {"value": ("2", MO)}),
    "jumbo.min_loan_amount": (
        M,
        "one-unit conforming limit of $832,750",
        {"year": ("2026", C), "value": ("832750", USD)},
    ),
    "jumbo.max_loan_amount": (M, "a ceiling of $2,500,000", {"value": ("2500000", USD)}),
    "jumbo.min_credit_score": (M, "Lowest qualifying credit score 720", {"value": ("720", S)}),
    "jumbo.max_dti": (M, "Highest debt-to-income ratio 40%", {"value": ("40", P)}),
    "jumbo.max_ltv_primary": (M, "Highest LTV, principal residence 75%", {"value": ("75", P)}),
    "jumbo.max_ltv_second_home": (M, "Highest LTV, second home 70%", {"value": ("70", P)}),
    "jumbo.min_reserves": (M, "Reserves after closing 18 months", {"value": ("18", MO)}),
    "jumbo.reserves_other_properties": (M, "six months of the payment on each", {"value": ("6", MO)}),
    "jumbo.gift_donors": (M, "at least 10% of the price", {"value": ("10", P)}),
    "fha.min_credit_score": (G, "credit score no lower than 500", {"value": ("500", S)}),
    "fha.max_ltv_score_580": (G, "580 or above 96.5%", {"min_score": ("580", S), "value": ("96.5", P)}),
    "fha.max_ltv_score_500": (
        G,
        "500 to 579 90%",
        {"min_score": ("500", S), "max_score": ("579", S), "value": ("90", P)},
    ),
    "fha.manual_underwriting_score": (
        G,
        "falls between 500 and 579",
        {"min_score": ("500", S), "max_score": ("579", S)},
    ),
    "fha.max_front_end": (G, "housing expense ratio must be at or below 31%", {"value": ("31", P)}),
    "fha.max_dti": (G, "housing expense ratio must be at or below 31%", {"value": ("43", P)}),
    "fha.max_dti_with_review": (G, "above 43% and not more than 47%", {"above": ("43", P), "value": ("47", P)}),
    "fha.dti_ineligible_above": (G, "above 47% are ineligible", {"value": ("47", P)}),
    "fha.upfront_mip": (G, "upfront mortgage insurance premium is 1.75%", {"value": ("1.75", P)}),
    "fha.annual_mip": (
        G,
        "annual mortgage insurance premium is 0.55%",
        {"rate_above_split": ("0.55", P), "ltv_split": ("95", P), "rate_at_or_below_split": ("0.50", P)},
    ),
    "fha.min_reserves_multi_unit": (G, "at least three months of the housing payment", {"value": ("3", MO)}),
    "va.min_credit_score": (G, "credit score below 600", {"value": ("600", S)}),
    "va.max_dti": (G, "debt-to-income benchmark is 41%", {"value": ("41", P)}),
    "va.dti_review_above": (G, "total DTI ratio above 41% goes to an underwriter", {"value": ("41", P)}),
    "va.residual_income_review": (G, "within 10% of the VA minimum", {"value": ("10", P)}),
    "va.max_ltv": (G, "as high as 100% of the home", {"value": ("100", P)}),
    "usda.max_income_pct_ami": (G, "one hundred fifteen percent", {"value": ("115", P)}),
    "usda.review_income_near_limit": (G, "within 5% of that limit", {"value": ("5", P)}),
    "usda.min_credit_score": (G, "credit score of at least 660", {"value": ("660", S)}),
    "usda.max_front_end": (G, "housing ratio cap is 29%", {"value": ("29", P)}),
    "usda.max_dti": (G, "total debt-to-income ratio cap is 41%", {"value": ("41", P)}),
    "usda.max_dti_with_review": (G, "above 41% but no more than 44%", {"above": ("41", P), "value": ("44", P)}),
    "usda.dti_ineligible_above": (G, "above 44% is ineligible", {"value": ("44", P)}),
    "usda.max_ltv": (G, "USDA loan may be as high as 100%", {"value": ("100", P)}),
    "usda.guarantee_fees": (G, "upfront guarantee fee is 1.00%", {"upfront": ("1.00", P), "value": ("0.35", P)}),
    "underwriting_standards.min_employment_years": (U, "at least two years of work history", {"value": ("2", Y)}),
    "underwriting_standards.installment_months": (U, "more than ten payments left", {"value": ("10", MO)}),
    "underwriting_standards.revolving_no_payment": (U, "uses 3% of the balance", {"value": ("3", P)}),
    "underwriting_standards.asset_counting": (
        U,
        "Checking, savings and money-market accounts 100%",
        {"cash": ("100", P), "stocks": ("70", P), "retirement": ("60", P)},
    ),
    "underwriting_standards.arm_qualifying_rate": (U, "note rate plus 2 percentage points", {"value": ("2", P)}),
    "underwriting_standards.pmi_rate": (U, "estimated at 0.60%", {"value": ("0.60", P)}),
    "atr_qm.max_term": (U, "may not exceed 30 years (360 months)", {"years": ("30", Y), "value": ("360", MO)}),
    "atr_qm.points_and_fees": (
        U,
        "limited to 3% of the total loan amount",
        {"value": ("3", P), "min_loan_amount": ("100000", USD)},
    ),
    "atr_qm.higher_priced_review": (U, "APOR plus 1.5 percentage points", {"value": ("1.5", P)}),
    "atr_qm.dti_review_above": (
        U,
        "DTI ratio above 45% to an underwriter",
        {"former_limit": ("43", P), "value": ("45", P)},
    ),
    "fair_lending.notice_days": (U, "no later than 30 days", {"value": ("30", DY)}),
    "fair_lending.incomplete_notice_deadline": (U, "at least 10 calendar days", {"value": ("10", DY)}),
    "fair_lending.max_adverse_reasons": (U, "no more than four principal reasons", {"value": ("4", C)}),
}
# slots that state no number (eligibility gates): slot -> (document, a phrase of the sentence that states it).
# Written after the number drafter ran, before any drafting of these slots existed.
statements = {
    "fha.primary_residence_only": (G, "FHA loan must be secured by the home the member will live in"),
    "fha.county_loan_limit": (G, "may not be greater than HUD's limit for the county"),
    "va.coe_required": (G, "who hold a Certificate of Eligibility may apply"),
    "va.primary_residence_only": (G, "who hold a Certificate of Eligibility may apply"),
    "va.purchase_only": (G, "VA loans are made for purchases only."),
    "usda.eligible_purchase": (G, "USDA loans finance only the purchase of a modest one-unit home"),
    "usda.one_unit_only": (G, "USDA loans finance only the purchase of a modest one-unit home"),
    "jumbo.investment_ineligible": (
        M,
        "Investment properties and cash-out refinances are not financed as jumbo loans.",
    ),
    "jumbo.cash_out_ineligible": (M, "Investment properties and cash-out refinances are not financed as jumbo loans."),
    "jumbo.gift_second_home": (M, "Gifts are not allowed on a second home."),
    "atr_qm.qm_only": (U, "Every loan the credit union makes is a qualified mortgage."),
    "atr_qm.prohibited_features": (
        U,
        "No loan may have negative amortization, interest-only payments or a balloon payment",
    ),
    "fair_lending.prohibited_bases": (U, "No credit decision may take into account race"),
    "underwriting_standards.unemployed_ineligible": (
        U,
        "A member who has no job and no other documented income is not eligible.",
    ),
}
changed = {
    "conventional.min_credit_score",
    "conventional.max_dti",
    "conventional.max_dti_with_review",
    "conventional.dti_ineligible_above",
    "conventional.compensating_factors",
    "conventional.max_ltv_second_home",
    "conventional.max_ltv_investment",
    "fha.max_dti_with_review",
    "fha.dti_ineligible_above",
    "va.min_credit_score",
    "usda.min_credit_score",
    "jumbo.min_credit_score",
    "jumbo.max_dti",
    "jumbo.max_ltv_primary",
    "jumbo.min_reserves",
    "jumbo.max_loan_amount",
    "jumbo.gift_donors",
    "atr_qm.dti_review_above",
    "fair_lending.incomplete_notice_deadline",
    "underwriting_standards.pmi_rate",
    "underwriting_standards.revolving_no_payment",
}
pages = {}
for doc in (M, G, U):
    parsed = parse_pdf((D / f"{doc}.pdf").read_bytes(), fallback_name=doc)
    pages[doc] = [(p.page_num, normalise(p.text)) for p in parsed.pages]
rules = {}
for sid, (doc, phrase, values) in truth.items():
    hits = [n for n, t in pages[doc] if phrase in t]
    assert len(hits) == 1, (sid, phrase, hits)
    rules[sid] = {
        "document": doc,
        "page": hits[0],
        "phrase": phrase,
        "changed": sid in changed,
        "values": {k: {"number": n, "unit": u} for k, (n, u) in values.items()},
    }
stated = {}
for sid, (doc, phrase) in statements.items():
    hits = [n for n, t in pages[doc] if phrase in t]
    assert len(hits) == 1, (sid, phrase, hits)
    stated[sid] = {"document": doc, "page": hits[0], "phrase": phrase}
out = {
    "about": "Ground truth for drafting a rulebook from Keystone Valley FCU's manuals: each engine slot the manuals "
    "state, with the values a careful reader takes from them (written by hand before the drafter ran), the "
    "document and 1-based PDF page; 'changed' marks a value that differs from our own corpus's rule.",
    "not_stated": ["atr_qm.general_qm_spread", "va.funding_fee"],
    "rules": rules,
    "statements": stated,
}
Path(D / "ground_truth.json").write_text(json.dumps(out, indent=1) + "\n")
print(len(rules), sum(r["changed"] for r in rules.values()))
