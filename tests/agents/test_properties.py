"""Properties of the decision over generated applications (hypothesis), on the real seeded corpus.

More income never worsens the decision, more debt never improves it, a higher score never worsens it;
APPROVE never coexists with a FAIL, REVIEW or UNVERIFIED finding; every reason's threshold is stated in the
passage it cites. The default run uses the "fast" profile registered in tests/conftest.py (few
examples, for `make test`); `pytest tests/agents/test_properties.py --hypothesis-profile=thorough` runs more.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.schemas import validate_application

pytestmark = pytest.mark.integration

# worse outcomes rank higher; INCOMPLETE never occurs here (every field is stated)
RANK = {"APPROVE": 0, "APPROVE_WITH_CONDITIONS": 1, "REFER": 2, "DECLINE": 3}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@st.composite
def applications(draw) -> dict:
    loan_type = draw(st.sampled_from(["conventional", "fha", "va", "usda", "jumbo"]))
    value = draw(st.integers(150, 2500) if loan_type == "jumbo" else st.integers(120, 900)) * 1000
    ltv = draw(st.sampled_from([60, 75, 80, 85, 90, 95, 96, 97, 100]))
    purpose = (
        "purchase"
        if loan_type in ("va", "usda")
        else draw(st.sampled_from(["purchase", "purchase", "rate_term_refinance", "cash_out_refinance"]))
    )
    return {
        "applicant_name": "Prop Test",
        "ssn": "900-00-0001",
        "credit_score": draw(st.integers(500, 840)),
        "employment_status": draw(st.sampled_from(["employed", "employed", "self_employed", "retired"])),
        "employment_years": draw(st.integers(0, 15)),
        "monthly_income": draw(st.integers(3, 60)) * 500,
        "monthly_debts": draw(st.integers(0, 40)) * 100,
        "liquid_assets": draw(st.integers(0, 60)) * 5000,
        "loan_type": loan_type,
        "loan_purpose": purpose,
        "loan_amount": value * ltv // 100,
        "property_value": value,
        "interest_rate": draw(st.sampled_from([4.5, 6.0, 6.5, 7.25])),
        "term_months": 360,
        "product": draw(st.sampled_from(["fixed", "fixed", "arm"])),
        "occupancy": "primary"
        if loan_type in ("fha", "va", "usda")
        else draw(st.sampled_from(["primary", "primary", "second_home", "investment"])),
        "property_units": draw(st.sampled_from([1, 1, 1, 2])),
        "property_state": "CO",
        "annual_property_tax": draw(st.integers(1, 20)) * 500,
        "annual_insurance": draw(st.integers(1, 8)) * 300,
        "points_and_fees": 0,
        "first_time_buyer": draw(st.booleans()),
        "veteran": loan_type == "va",
        "usda_eligible_area": True if loan_type == "usda" else None,
        "household_income_pct_ami": draw(st.sampled_from([None, 90, 120])) if loan_type == "usda" else None,
        "subordinate_liens": draw(st.sampled_from([0, 0, 0, 50000])),
        "credit_key_factors": ["Limited credit experience"],
    }


# each example runs the whole pipeline, so these take a third of the profile's count (13 by default)
PROPERTY = settings(max_examples=max(12, settings.default.max_examples // 3))


def decide(underwrite, data: dict):
    return underwrite(validate_application(data))


@PROPERTY
@given(applications(), st.integers(1, 20))
def test_more_income_never_worsens_the_decision(underwrite, data, extra):
    before = decide(underwrite, data)["report"].recommendation
    after = decide(underwrite, {**data, "monthly_income": data["monthly_income"] + extra * 500})[
        "report"
    ].recommendation
    assert RANK[after] <= RANK[before], (before, after)


@PROPERTY
@given(applications(), st.integers(1, 20))
def test_more_debt_never_improves_the_decision(underwrite, data, extra):
    before = decide(underwrite, data)["report"].recommendation
    after = decide(underwrite, {**data, "monthly_debts": data["monthly_debts"] + extra * 100})["report"].recommendation
    assert RANK[after] >= RANK[before], (before, after)


@PROPERTY
@given(applications(), st.integers(1, 120))
def test_a_higher_score_never_worsens_the_decision(underwrite, data, extra):
    before = decide(underwrite, data)["report"].recommendation
    after = decide(underwrite, {**data, "credit_score": min(850, data["credit_score"] + extra)})[
        "report"
    ].recommendation
    assert RANK[after] <= RANK[before], (before, after)


@PROPERTY
@given(applications())
def test_approve_never_coexists_with_a_fail_review_or_unverified_finding(underwrite, data):
    final = decide(underwrite, data)
    statuses = {
        f.status
        for a in ("intake", "ratio", "compliance", "policy", "underwriting", "decision")
        if a in final
        for f in final[a].findings
    }
    if final["report"].recommendation in ("APPROVE", "APPROVE_WITH_CONDITIONS"):
        assert not statuses & {"FAIL", "REVIEW", "UNVERIFIED"}
    if final["report"].recommendation == "APPROVE":
        assert "CONDITION" not in statuses


def _numbers(text: str) -> set[Decimal]:
    return {Decimal(n.replace(",", "")).normalize() for n in _NUMBER.findall(text)}


@PROPERTY
@given(applications())
def test_every_reason_cites_a_passage_that_states_its_threshold(underwrite, data):
    final = decide(underwrite, data)
    drivers = {
        f.rule_id: f
        for a in ("compliance", "policy")
        if a in final
        for f in final[a].findings
        if f.status in ("FAIL", "REVIEW")
    }
    for reason in final["report"].principal_reasons:
        assert reason.citation is not None or reason.rule_id.startswith("intake."), reason
        f = drivers.get(reason.rule_id)
        if f is not None and f.threshold and f.citation:
            assert _numbers(f.threshold) <= _numbers(f.citation.quote), (f.threshold, f.citation.quote)
