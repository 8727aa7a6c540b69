"""Helpers shared by core tests: a valid application as the raw dict a form or file gives; production settings with
test keys and a documentation-only host; the audit-tamper databases and the audit report of one."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from core.audit import default_anchor_dir, default_key
from core.audit.verify import audit_report
from core.db_roles import app_url
from core.settings import Settings

SSN = "123-45-6789"


def application(**overrides) -> dict:
    """A valid conventional application as raw input, with `overrides` applied (not validated)."""
    base = dict(
        applicant_name="Dana Whitfield",
        ssn=SSN,
        credit_score=712,
        employment_status="employed",
        employment_years=6,
        monthly_income=8000,
        monthly_debts=500,
        liquid_assets=20000,
        loan_type="conventional",
        loan_purpose="purchase",
        loan_amount=300000,
        property_value=375000,
        interest_rate=6.5,
        term_months=360,
        product="fixed",
        occupancy="primary",
        property_units=1,
        property_state="CO",
        annual_property_tax=3600,
        annual_insurance=1200,
    )
    base.update(overrides)
    return base


KEY = "k" * 40
DOC_HOST = "192.0.2.10"  # TEST-NET-1: documentation only, routed nowhere


def production(**overrides) -> Settings:
    """Production settings with both keys set, from no .env file."""
    base = dict(_env_file=None, app_env="production", llm_provider="ollama", ssn_hash_key=KEY, audit_hmac_key=KEY)
    return Settings(**{**base, **overrides})


AUDIT_BASE_DB, AUDIT_TAMPER_DB = "lg_audit_base", "lg_audit_tamper"


def report_for(owner) -> tuple[str, ...]:
    """The audit check's problems on the owner engine's database, read as the app role."""
    app = create_engine(app_url(owner.url.render_as_string(hide_password=False)), poolclass=NullPool)
    try:
        with sessionmaker(bind=app)() as s:
            return audit_report(s, key=default_key(), anchor_dir=default_anchor_dir()).problems
    finally:
        app.dispose()
