"""Each rule of our rulebook with the sentence of the policy corpus that states it and the values that
sentence holds: the independent record tests/policy/test_rules.py checks the rulebook and verification against."""

from __future__ import annotations

from decimal import Decimal as D

from tests.agents.money_rule_sentences import MONEY_SENTENCES

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
