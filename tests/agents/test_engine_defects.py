"""Issue 20 item 8: engine defects found by held-out files written from our own policy text.

Each test reads the sentence it is written from (quoted in the docstring) on the real seeded corpus.
"""

from __future__ import annotations

import pytest

from core.schemas import validate_application
from tests.agents.support import BASE

pytestmark = pytest.mark.integration


def app(**changes):
    return validate_application({**BASE, **changes})


def findings(final, status=None, agents=("ratio", "compliance", "policy")):
    return [f for a in agents if a in final for f in final[a].findings if status is None or f.status == status]


# --- funds to close with new subordinate financing ------------------------------------------------------------

# the second lien listed among the liabilities with its balance and payment (the flat $600 itemised beside it)
SECOND = {
    "monthly_debts": 0,
    "liabilities": [
        {"kind": "auto_loan", "monthly_payment": 600, "balance": 20000, "months_remaining": 40},
        {
            "kind": "installment",
            "monthly_payment": 300,
            "balance": 40000,
            "months_remaining": 180,
            "creditor": "Second lien",
        },
    ],
}


def test_piggyback_second_made_at_closing_is_taken_off_the_funds_to_close(underwrite):
    """Underwriting Standards 3.3: CLTV adds every subordinate lien "that will remain on the property, or that is
    made at closing"; on a purchase the second lien pays part of the price, so it is not cash the borrower brings.
    $400,000 price, $320,000 first, $40,000 second: down payment $40,000 + $8,000 closing costs = $48,000."""
    final = underwrite(app(subordinate_liens=40000, closing_costs=8000, liquid_assets=60000, **SECOND))
    facts = final["ratio"].facts
    assert facts["down_payment"] == "40000" and facts["funds_to_close"] == "48000"
    assert facts["cltv"] == "90.00"
    assert not [f for f in findings(final, "FAIL") if f.rule_id == "underwriting_standards.funds_to_close"]
    assert final["report"].recommendation in ("APPROVE", "APPROVE_WITH_CONDITIONS")


def test_the_second_liens_payment_is_in_the_dti(underwrite):
    """Underwriting Standards 5.1: recurring monthly debts include "(g) any other debt disclosed by the
    application": the second lien's $300 a month is counted beside the $600 auto loan."""
    final = underwrite(app(subordinate_liens=40000, closing_costs=8000, liquid_assets=60000, **SECOND))
    assert final["ratio"].facts["monthly_debts"] == "900"
    info = [f for f in findings(final, "INFO") if f.rule_id == "underwriting_standards.subordinate_lien_payment"]
    assert info and "$300 a month" in info[0].message and "(g) any other debt" in info[0].citation.quote


def test_a_second_lien_whose_payment_is_not_listed_goes_to_a_person(underwrite):
    """The same file with the second lien's payment nowhere among its debts: the DTI would leave it out, so the
    engine does not approve on it."""
    final = underwrite(app(subordinate_liens=40000, closing_costs=8000, liquid_assets=60000))
    review = [f for f in findings(final, "REVIEW") if f.rule_id == "underwriting_standards.subordinate_lien_payment"]
    assert review and "$40,000" in review[0].message and "leaves its payment out" in review[0].message
    assert final["report"].recommendation == "REFER"


def test_a_real_shortfall_with_a_piggyback_second_is_still_declined(underwrite):
    final = underwrite(app(subordinate_liens=40000, closing_costs=8000, liquid_assets=30000))
    fail = [f for f in findings(final, "FAIL") if f.rule_id == "underwriting_standards.funds_to_close"]
    assert fail and "$18,000" in fail[0].message and final["report"].recommendation == "DECLINE"


# --- USDA term and product ------------------------------------------------------------------------------------

USDA = dict(
    loan_type="usda", usda_eligible_area=True, household_income_pct_ami=90, loan_amount=200000, property_value=250000
)


@pytest.mark.parametrize("changes, wrong", [({"term_months": 180}, "180-month term"), ({"product": "arm"}, "arm")])
def test_usda_loan_that_is_not_a_30_year_fixed_rate_is_declined(underwrite, changes, wrong):
    """USDA 1.2: "The loan is a first-lien, fixed-rate mortgage with a 30-year term." """
    final = underwrite(app(**USDA, **changes))
    fail = [f for f in findings(final, "FAIL") if f.rule_id == "usda.fixed_rate_30_year"]
    assert fail and "fixed-rate mortgage with a 30-year term" in fail[0].citation.quote and wrong in fail[0].message
    assert final["report"].recommendation == "DECLINE"


def test_usda_30_year_fixed_rate_passes_the_term_and_product_rule(underwrite):
    final = underwrite(app(**USDA))
    assert "usda.fixed_rate_30_year" in {f.rule_id for f in findings(final, "PASS")}
    assert final["report"].recommendation in ("APPROVE", "APPROVE_WITH_CONDITIONS")


# --- FHA annual premium outside the standard case -------------------------------------------------------------

FHA = dict(loan_type="fha", loan_amount=300000, monthly_income=12000)


def test_fha_15_year_term_premium_comes_from_hud_schedule_so_a_person_decides(underwrite):
    """FHA 8.2: "For a term of 15 years or less, or a base loan amount above $726,200, the underwriter applies the
    rate from HUD's current premium schedule for that loan and records it in the file." """
    final = underwrite(app(**FHA, term_months=180))
    review = [f for f in findings(final, "REVIEW") if f.rule_id == "fha.annual_mip_schedule"]
    assert review and "HUD's current premium schedule" in review[0].citation.quote
    assert "180-month term" in review[0].message
    assert final["report"].recommendation == "REFER"
    assert "fha.annual_mip_schedule" in [r.rule_id for r in final["report"].principal_reasons]


def test_fha_base_loan_above_the_stated_amount_goes_to_hud_schedule(underwrite):
    """The same sentence's other case: a $750,000 base loan in Los Angeles County (within its $1,249,125 limit)."""
    final = underwrite(
        app(
            **{**FHA, "loan_amount": 750000, "monthly_income": 25000},
            property_value=800000,
            liquid_assets=200000,
            property_state="CA",
            county_fips="06037",
        )
    )
    review = [f for f in findings(final, "REVIEW") if f.rule_id == "fha.annual_mip_schedule"]
    assert review and "$750,000 (above $726,200)" in review[0].message
    assert final["report"].recommendation == "REFER"


def test_fha_standard_case_keeps_the_standard_premium(underwrite):
    final = underwrite(app(**FHA))
    assert final["ratio"].facts["mi_annual_rate_pct"] == "0.50"
    assert "fha.annual_mip_schedule" not in {f.rule_id for f in findings(final, "REVIEW")}


# --- LTV above the borrower's own tier ------------------------------------------------------------------------


def test_refinance_above_95_percent_by_a_flagged_first_time_buyer_is_declined(underwrite):
    """Conventional 2.2: "A first-time homebuyer is a borrower who has had no ownership interest in a residential
    property during the three years before the application date." A borrower refinancing owns the property, so
    the 97% tier is not theirs: 96.5% LTV is above their 95% maximum, a FAIL, not a referral."""
    final = underwrite(
        app(loan_purpose="rate_term_refinance", first_time_buyer=True, loan_amount=386000, property_value=400000)
    )
    fail = [f for f in findings(final, "FAIL") if f.rule_id == "conventional.max_ltv_primary"]
    assert fail and fail[0].threshold == "95%" and fail[0].actual == "96.5%"
    assert "conventional.first_time_homebuyer" in {f.rule_id for f in findings(final, "INFO")}
    assert final["report"].recommendation == "DECLINE"


def test_first_time_buyer_purchase_keeps_the_97_percent_tier(underwrite):
    final = underwrite(app(first_time_buyer=True, loan_amount=386000, property_value=400000))
    assert [f.threshold for f in findings(final, "PASS") if f.rule_id == "conventional.max_ltv_primary"] == ["97%"]


# --- a missing figure is named as missing ---------------------------------------------------------------------


def test_missing_household_income_is_named_not_reported_as_over_the_limit(underwrite):
    final = underwrite(app(**{**USDA, "household_income_pct_ami": None}))
    report = final["report"]
    assert report.recommendation == "REFER"
    reasons = [r.reason for r in report.principal_reasons if r.rule_id == "usda.max_income_pct_ami"]
    assert reasons and "not given" in reasons[0] and "exceeds" not in reasons[0]


def test_unconfirmed_rural_area_is_named_not_reported_as_ineligible(underwrite):
    final = underwrite(app(**{**USDA, "usda_eligible_area": None}))
    reasons = [r.reason for r in final["report"].principal_reasons if r.rule_id == "usda.eligible_purchase"]
    assert reasons and "not given" in reasons[0] and "not in an eligible" not in reasons[0]


def test_missing_apor_is_named_not_reported_as_a_failed_qm_test(underwrite):
    final = underwrite(app(apor=None))
    reasons = [r.reason for r in final["report"].principal_reasons if r.rule_id == "atr_qm.general_qm_spread"]
    assert reasons == ["APOR not given"]


# --- APR computed when not given ------------------------------------------------------------------------------


def test_apr_not_given_is_computed_from_the_note_terms_and_finance_charges(underwrite):
    """$320,000 at 6.5% over 360 months ($2,022.62) less $4,000 of prepaid finance charges: amount financed
    $316,000, APR 6.621% by Appendix J; spread 0.246 points over the 6.375% APOR, under the 2.25 margin."""
    final = underwrite(app(apr=None, prepaid_finance_charges=4000))
    info = [f for f in findings(final, "INFO", ("compliance",)) if f.rule_id == "atr_qm.general_qm_spread"]
    assert info and info[0].message.startswith("APR computed from the note terms and prepaid finance charges")
    assert "6.621%" in info[0].message and "amount financed $316,000" in info[0].message
    spread = [f for f in findings(final, "PASS", ("compliance",)) if f.rule_id == "atr_qm.general_qm_spread"]
    assert spread and spread[0].actual == "0.246% points"
    report = final["report"]
    assert report.recommendation == "APPROVE"
    assert any(line.startswith("INFO: APR computed from") for line in report.findings)


def test_computed_apr_range_that_straddles_the_margin_goes_to_a_person(underwrite):
    """95% LTV: the APR is 6.602% without the $158.33 monthly mortgage insurance and 7.231% with it for the whole
    term; against a 4.5% APOR the spread is 2.102 to 2.731 points, on both sides of the 2.25 margin."""
    final = underwrite(app(apr=None, apor=4.5, prepaid_finance_charges=4000, loan_amount=380000))
    review = [f for f in findings(final, "REVIEW", ("compliance",)) if f.rule_id == "atr_qm.general_qm_spread"]
    assert review and "between 6.602% and 7.231%" in review[0].message
    assert final["report"].recommendation == "REFER"


def test_an_adjustable_rate_apr_is_not_computed(underwrite):
    final = underwrite(app(apr=None, prepaid_finance_charges=4000, product="arm"))
    reasons = [r.reason for r in final["report"].principal_reasons if r.rule_id == "atr_qm.general_qm_spread"]
    assert reasons == ["APR not given"]
