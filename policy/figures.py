"""`RatioFigures`: the Ratio agent's figures as exact Decimals, the one form later checks read.

The Ratio agent writes them into the graph state (`state["ratios"]`); the verdict's `facts` carry
the same figures as text for the officer and for stored runs, and nothing parses them back.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class RatioFigures(BaseModel):
    """Money in dollars (monthly where it is a payment), ratios and rates in percentage points.

    A DTI is None where there is no income to divide by (it then fails any maximum); residual
    income is None outside VA. Field order is the order the verdict's facts show them in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qualifying_rate_pct: Decimal  # the rate the P&I was computed at (ARM: note + policy add-on)
    mi_annual_rate_pct: Decimal
    principal_interest: Decimal
    property_tax: Decimal
    insurance: Decimal
    hoa: Decimal
    mortgage_insurance: Decimal
    piti: Decimal
    monthly_debts: Decimal  # as the policy counts them
    total_obligations: Decimal
    monthly_income: Decimal
    front_end_dti: Decimal | None
    back_end_dti: Decimal | None
    ltv: Decimal
    cltv: Decimal
    reserves_months: Decimal
    down_payment: Decimal
    closing_costs: Decimal
    prepaid_items: Decimal
    upfront_fee: Decimal
    upfront_fee_cash: Decimal
    note_amount: Decimal
    debt_payoffs: Decimal
    closing_credits: Decimal
    funds_to_close: Decimal
    own_funds: Decimal
    gift_funds: Decimal
    funds_available: Decimal
    funds_shortfall: Decimal
    reserves_after_closing: Decimal
    residual_income: Decimal | None

    def as_facts(self) -> dict[str, str]:
        """Each figure as its exact text, for the verdict the officer reads (and stored runs keep)."""
        return {name: str(getattr(self, name)) for name in type(self).model_fields}
