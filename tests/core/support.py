"""Helpers shared by schema tests (and others): a valid application as the raw dict a form or file gives."""

from __future__ import annotations

SSN = "123-45-6789"


def application(**overrides) -> dict:
    """A valid conventional application as raw input, with `overrides` applied (not validated)."""
    base = dict(
        applicant_name="Dana Whitfield", ssn=SSN, credit_score=712, employment_status="employed",
        employment_years=6, monthly_income=8000, monthly_debts=500, liquid_assets=20000,
        loan_type="conventional", loan_purpose="purchase", loan_amount=300000, property_value=375000,
        interest_rate=6.5, term_months=360, product="fixed", occupancy="primary", property_units=1,
        property_state="CO", annual_property_tax=3600, annual_insurance=1200,
    )
    base.update(overrides)
    return base
