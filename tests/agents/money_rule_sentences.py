"""The policy sentences of the issue-9 money rules and the numbers each must yield (test_rules.py reads them)."""

from __future__ import annotations

from decimal import Decimal as D

MONEY_SENTENCES: dict[str, tuple[str, dict[str, D]]] = {
    "underwriting_standards.installment_months": (
        "installment loans with more than ten monthly payments remaining",
        {"value": D("10")},
    ),
    "underwriting_standards.revolving_no_payment": (
        "revolving accounts, at the minimum payment shown on the credit report; Overlay: where no payment is reported, 5% of the balance is used",
        {"value": D("5")},
    ),
    "underwriting_standards.deferred_student_loans": (
        "student loans, at the payment on the credit report or, for deferred loans, by the method in the program guide",
        {},
    ),
    "underwriting_standards.debt_paid_off": (
        "A debt may be excluded only with documentation: a debt paid off at or before closing from verified funds",
        {},
    ),
    "underwriting_standards.asset_counting": (
        "Liquid assets are counted as follows: checking, savings and money-market balances at 100%; Overlay: stocks, bonds and mutual funds at 70% of current value; Overlay: vested retirement balances at 60% of the vested amount",
        {"cash": D("100"), "stocks": D("70"), "retirement": D("60")},
    ),
    "underwriting_standards.reserves_after_closing": (
        "Reserves in months equal verified liquid assets remaining after closing divided by PITI.",
        {},
    ),
    "underwriting_standards.funds_to_close": (
        "Funds for the down payment, closing costs and prepaid items are verified with the two most recent monthly statements for each account.",
        {},
    ),
    "conventional.min_reserves_second_home": (
        "For a second home we look for at least two months of PITI in reserves.",
        {"value": D("2")},
    ),
    "fha.min_reserves_multi_unit": (
        "A three- or four-unit property requires reserves equal to three months of the housing payment after closing.",
        {"value": D("3")},
    ),
    "atr_qm.general_qm_spread": (
        "For a first-lien loan whose loan amount is at or above the indexed amount ($137,958 for 2026) the margin is 2.25 percentage points. Smaller first-lien loans have larger margins: 3.5 percentage points from $82,775 up to $137,958 and 6.5 percentage points below $82,775 for 2026.",
        {
            "indexed": D("137958"),
            "year": D("2026"),
            "margin_large": D("2.25"),
            "margin_mid": D("3.5"),
            "mid_floor": D("82775"),
            "margin_small": D("6.5"),
        },
    ),
    "atr_qm.higher_priced_review": (
        "A first-lien QM whose APR is below APOR plus 1.5 percentage points is not a higher-priced loan",
        {"value": D("1.5")},
    ),
    "fha.county_loan_limit": (
        "The base loan amount, before the upfront premium is financed, must not exceed the limit that applies to the subject property's county on the case number assignment date.",
        {},
    ),
    "va.residual_income": (
        "Every VA file must meet VA's minimum residual income.",
        {},
    ),
    "va.residual_income_review": (
        "Residual income within 10% of the VA minimum for the household size and region.",
        {"value": D("10")},
    ),
    "conventional.gift_donors": (
        "Gifts from a relative, domestic partner or fiance are acceptable for a primary residence or second home",
        {},
    ),
    "conventional.gift_investment": (
        "Gifts are not permitted on an investment property.",
        {},
    ),
    "conventional.gift_min_contribution": (
        "For second homes and multi-unit properties with an LTV above 80%, the borrower must contribute at least five percent of the purchase price from personal funds.",
        {"ltv": D("80"), "value": D("5")},
    ),
    "fha.gift_donors": (
        "Gifts may come from a family member, an employer, a close friend with a documented relationship, a charitable organization or a governmental agency.",
        {},
    ),
    "va.gift_donors": (
        "Gifts from family members are acceptable with a gift letter and evidence of transfer.",
        {},
    ),
    "usda.gift_donors": (
        "Gifts are acceptable with a gift letter and evidence of transfer.",
        {},
    ),
    "jumbo.gift_donors": (
        "On a primary residence, a documented gift from a relative may be used once the borrower has contributed at least 5% of the purchase price from personal funds.",
        {"value": D("5")},
    ),
    "jumbo.gift_second_home": (
        "Gifts are not permitted on a second home.",
        {},
    ),
    "jumbo.reserves_other_properties": (
        "When the borrower owns other financed real estate, an additional six months of the payment on each other financed property is required on top of the subject-property reserve.",
        {"value": D("6")},
    ),
    "va.funding_fee": (
        "Funding fee, first use, purchase 2.15% under 5% down; 1.50% with 5% to under 10%; 1.25% with 10% or more "
        "Funding fee, subsequent use, under 5% down 3.30%",
        {
            "first_low": D("2.15"),
            "low_dp": D("5"),
            "first_mid": D("1.50"),
            "mid_dp": D("10"),
            "first_high": D("1.25"),
            "subsequent_low": D("3.30"),
        },
    ),
}
