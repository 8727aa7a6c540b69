"""Issue 9 part B on the real seeded corpus: requirements the engine once treated as met, now decided."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents import graph as graph_module
from core.schemas import validate_application
from dashboard.decision_notices import standard_condition_groups
from policy.inventory.requirements import Locator, evaluate
from tests.agents.support import BASE, graph_state, ratio_figures

pytestmark = pytest.mark.integration


def app(**changes):
    return validate_application({**BASE, **changes})


def findings(final, status=None):
    return [
        f
        for a in ("compliance", "policy")
        if a in final
        for f in final[a].findings
        if status is None or f.status == status
    ]


def test_second_lien_cltv_124_percent_is_declined(underwrite):
    """A conventional purchase at 80% LTV with a $200,000 second lien: CLTV 130% against the 95% limit."""
    final = underwrite(app(subordinate_liens=200000, loan_amount=320000, property_value=400000))
    assert final["ratio"].facts["cltv"] == "130.00"
    cltv = [f for f in findings(final, "FAIL") if f.message.startswith("CLTV")]
    assert cltv and cltv[0].rule_id == "conventional.max_ltv_primary" and "95%" in cltv[0].citation.quote
    assert final["report"].recommendation == "DECLINE"
    assert "Value or type of collateral not sufficient" in [r.reason for r in final["report"].principal_reasons]


def test_issue_example_cltv_124_with_200k_second_lien(underwrite):
    final = underwrite(app(loan_amount=296000, property_value=400000, subordinate_liens=200000))
    assert final["ratio"].facts["cltv"] == "124.00" and final["report"].recommendation == "DECLINE"


def test_arm_above_95_percent_ltv_is_declined(underwrite):
    final = underwrite(app(product="arm", first_time_buyer=True, loan_amount=386000, property_value=400000))
    fail = [f for f in findings(final, "FAIL") if f.rule_id == "conventional.fixed_rate_above_ltv"]
    assert fail and "95%" in fail[0].citation.quote and final["report"].recommendation == "DECLINE"


@pytest.mark.parametrize(
    "changes, rule_id",
    [
        (
            {"loan_purpose": "cash_out_refinance", "property_units": 2, "loan_amount": 300000},
            "conventional.cash_out_one_unit",
        ),
        (
            {"occupancy": "investment", "property_units": 2, "loan_amount": 300000, "liquid_assets": 90000},
            "conventional.investment_one_unit",
        ),
        ({"occupancy": "second_home", "property_units": 2, "loan_amount": 300000}, "conventional.second_home_one_unit"),
        ({"loan_type": "fha", "loan_purpose": "cash_out_refinance", "loan_amount": 300000}, "fha.cash_out_not_offered"),
        ({"loan_type": "va", "veteran": True, "loan_purpose": "rate_term_refinance"}, "va.purchase_only"),
        (
            {
                "loan_type": "jumbo",
                "loan_purpose": "cash_out_refinance",
                "loan_amount": 900000,
                "property_value": 1500000,
                "monthly_income": 40000,
                "liquid_assets": 200000,
                "credit_score": 760,
            },
            "jumbo.cash_out_ineligible",
        ),
    ],
)
def test_transactions_the_policy_does_not_offer_are_declined(underwrite, changes, rule_id):
    final = underwrite(app(**changes))
    assert rule_id in {f.rule_id for f in findings(final, "FAIL")}
    assert final["report"].recommendation == "DECLINE"


def test_self_employed_conventional_borrower_goes_to_a_person(underwrite):
    final = underwrite(app(employment_status="self_employed"))
    assert final["report"].recommendation == "REFER"
    assert [r.rule_id for r in final["report"].principal_reasons] == ["conventional.review_self_employed"]


def test_ltv_above_95_goes_to_a_person_with_the_education_condition(underwrite):
    final = underwrite(app(first_time_buyer=True, loan_amount=386000, property_value=400000))
    assert final["report"].recommendation == "REFER"
    assert "conventional.review_ltv_above" in {f.rule_id for f in findings(final, "REVIEW")}
    education = [f for f in findings(final, "CONDITION") if "homeownership education" in f.message]
    assert education and education[0].citation is not None


def test_fha_score_in_the_manual_band_is_referred_and_outside_it_is_not(underwrite):
    low = underwrite(app(loan_type="fha", credit_score=579, loan_amount=300000))
    assert low["report"].recommendation == "REFER"
    assert "fha.manual_underwriting_score" in {f.rule_id for f in findings(low, "REVIEW")}
    high = underwrite(app(loan_type="fha", credit_score=580, loan_amount=300000))
    assert "fha.manual_underwriting_score" not in {f.rule_id for f in findings(high, "REVIEW")}


def test_jumbo_second_signature_is_a_condition_only_where_it_applies(underwrite):
    # $600,000 down plus 12 months of reserves after closing (issue 9's funds-to-close rules)
    jumbo = dict(
        loan_type="jumbo",
        loan_amount=900000,
        property_value=1500000,
        monthly_income=40000,
        liquid_assets=800000,
        credit_score=760,
    )
    salaried = underwrite(app(**jumbo))
    assert not [f for f in findings(salaried, "CONDITION") if "second signature" in f.message.lower()]
    self_employed = underwrite(app(**jumbo, employment_status="self_employed"))
    assert [f for f in findings(self_employed, "CONDITION") if "second signature" in f.message.lower()]
    assert self_employed["report"].recommendation == "APPROVE_WITH_CONDITIONS"


def test_standard_conditions_are_cited_and_leave_an_approval_an_approval(underwrite):
    final = underwrite(app())
    report = final["report"]
    assert report.recommendation == "APPROVE"
    assert len(report.standard_conditions) > 100 and all(", p. " in c for c in report.standard_conditions)
    groups = standard_condition_groups(report.standard_conditions)  # as the decision card shows them
    assert len(groups) == 4 and "Other" not in [
        doc for doc, _ in groups
    ]  # conventional + the three all-program documents


def test_program_mismatch_says_which_program_fixes_it(underwrite):
    final = underwrite(app(loan_amount=900000, property_value=1500000, monthly_income=40000, liquid_assets=200000))
    remedies = [r.remedy for r in final["report"].principal_reasons if r.rule_id == "conventional.conforming_limit"]
    assert remedies == ["Apply under the jumbo program."]
    jumbo = underwrite(app(loan_type="jumbo", credit_score=760, liquid_assets=200000))
    assert "Apply under the conventional program." in [r.remedy for r in jumbo["report"].principal_reasons]


def test_a_requirement_whose_sentence_is_not_in_the_corpus_is_unverified_never_dropped():
    result = evaluate(
        app(employment_status="self_employed", loan_type="jumbo", loan_amount=900000, property_value=1500000),
        ratio_figures(ltv=Decimal("60.00")),
        Locator([]),
    )
    assert result.findings and {f.status for f in result.findings} == {"UNVERIFIED"}
    assert result.standard_ids == ()


def test_a_crash_of_the_decision_agent_still_stores_a_refer_report(monkeypatch, agent_context):
    def broken(state, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(graph_module, "decision_engine", broken)
    graph = graph_module.build_graph()
    final = graph.invoke(graph_state(app()), context=agent_context)
    assert final["report"].recommendation == "REFER" and "decision agent failed" in final["report"].summary
    assert final["decision"].verdict == "ERROR" and "audit_report" in final
    assert [e.agent for e in final["errors"]] == ["decision"]


@pytest.mark.parametrize("pct_ami, referred", [(112, True), (109.25, True), (100, False)])
def test_usda_household_income_within_5_percent_of_the_limit_goes_to_a_person(underwrite, pct_ami, referred):
    final = underwrite(
        app(
            loan_type="usda",
            usda_eligible_area=True,
            household_income_pct_ami=pct_ami,
            loan_amount=250000,
            property_value=260000,
            monthly_income=9000,
        )
    )
    hit = "usda.review_income_near_limit" in {f.rule_id for f in findings(final, "REVIEW")}
    assert hit is referred


def test_a_va_borrower_who_used_the_benefit_before_goes_to_a_person_about_entitlement(underwrite):
    """VA guide 1.2: full entitlement means never used or fully restored; with partial entitlement the down
    payment must cover 25%. The file cannot tell which, so "any question about entitlement" (10.1) refers it."""
    va = dict(loan_type="va", veteran=True, loan_amount=300000)
    first = underwrite(app(**va))
    assert "requirement.va.057" not in {f.rule_id for f in findings(first, "REVIEW")}
    again = underwrite(app(**va, va_subsequent_use=True))
    assert "requirement.va.057" in {f.rule_id for f in findings(again, "REVIEW")}
    assert "requirement.va.006" in {f.rule_id for f in findings(again, "CONDITION")}
    assert again["report"].recommendation == "REFER"


@pytest.mark.parametrize(
    "factors, referred",
    [
        (("Bankruptcy",), True),
        (("foreclosure or repossession",), True),
        (("Collection action or judgment",), False),
        ((), False),
    ],
)
def test_a_bankruptcy_or_foreclosure_the_bureau_reports_goes_to_a_person(underwrite, factors, referred):
    """Conventional guide 11.1: "Any significant derogatory event in the past seven years" needs a human
    underwriter's signature. The file has no event dates; the bureau's key factors name the event."""
    final = underwrite(app(credit_key_factors=factors))
    assert ("requirement.conventional.084" in {f.rule_id for f in findings(final, "REVIEW")}) is referred
    assert final["report"].recommendation == ("REFER" if referred else "APPROVE")
