"""Seeded loan applications across every program and ratio outcome, and their Ratio figures.

Each example is drawn for a (program, outcome) pair so that all pairs the policy allows appear;
the outcome recorded is the one the computed figures actually give, never the one aimed at.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from agents.distill.programs import LIMITS, Limits, limit_lines, mi_rate, outcome
from core.schemas import LoanApplication
from policy.formulas import compute_ratios
from policy.formulas import ltv as ltv_pct

# Every (program, outcome) the limits allow: jumbo has no review band, VA no DTI failure.
PAIRS = tuple((p, o) for p in LIMITS for o in ("PASS", "REVIEW", "FAIL") if not (p == "jumbo" and o == "REVIEW"))
# One example in this many has no limits and the verdict COMPUTED, the form the Ratio agent's
# own node sends at run time (it computes figures; the Policy agent applies the limits).
COMPUTED_EVERY = 6


@dataclass(frozen=True)
class RatioCase:
    """The student's input: the outcome, the program, the computed figures and the limits cited."""

    case_id: str
    program: str
    verdict: str  # PASS, REVIEW, FAIL, or COMPUTED (figures only)
    driver: str  # "dti", "ltv" or "" : which limit decides the outcome
    figures: dict[str, str]
    limits: tuple[str, ...]
    max_dti: str
    review_dti: str
    max_ltv: str


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _targets(rng: random.Random, lim: Limits, want: str) -> tuple[float, float, str]:
    """(LTV %, DTI %, driver) aimed at `want`."""
    max_ltv, max_dti = float(lim.max_ltv), float(lim.max_dti)
    top = float(lim.review_dti) if lim.review_dti is not None else max_dti
    if want == "PASS":
        return rng.uniform(55, max_ltv - 0.5), rng.uniform(22, max_dti - 0.3), "dti"
    if want == "REVIEW":
        high = top if lim.review_dti is not None else max_dti + 8
        return rng.uniform(55, max_ltv - 0.5), rng.uniform(max_dti + 0.3, high - 0.2), "dti"
    if lim.review_dti is None and lim.above == "REVIEW" or rng.random() < 0.5:
        return rng.uniform(max_ltv + 0.6, max_ltv + 4), rng.uniform(22, max_dti - 0.3), "ltv"
    return rng.uniform(55, max_ltv - 0.5), rng.uniform(top + 0.6, top + 9), "dti"


def _application(rng: random.Random, program: str, want: str) -> tuple[LoanApplication, str]:
    lim = LIMITS[program]
    target_ltv, target_dti, driver = _targets(rng, lim, want)
    value = rng.randrange(900_000, 2_600_000, 5_000) if program == "jumbo" else rng.randrange(140_000, 820_000, 5_000)
    loan = _money(value * target_ltv / 100)
    rate = Decimal(rng.randrange(44, 62)) / 8  # 5.5% to 7.625% in eighths
    term = 360 if program != "conventional" or rng.random() < 0.8 else 180
    tax, insurance = _money(value * rng.uniform(0.008, 0.022)), _money(rng.uniform(700, 3_200))
    hoa = _money(rng.choice([0, 0, 0, rng.uniform(40, 450)]))
    draft = _app(
        program,
        loan,
        value,
        rate,
        term,
        tax,
        insurance,
        hoa,
        income=Decimal(10_000),
        debts=Decimal(0),
        assets=Decimal(0),
    )
    ratios = compute_ratios(draft, mi_annual_rate_pct=mi_rate(program, ltv_pct(loan, value)))
    front = min(rng.uniform(14, 34), target_dti - 1)
    income = _money(float(ratios.piti) * 100 / front)
    debts = max(Decimal(0), _money(float(income) * target_dti / 100 - float(ratios.piti)))
    assets = _money(float(ratios.piti) * rng.uniform(0.5, 26))
    return _app(
        program, loan, value, rate, term, tax, insurance, hoa, income=income, debts=debts, assets=assets
    ), driver


def _app(
    program: str,
    loan: Decimal,
    value: int,
    rate: Decimal,
    term: int,
    tax: Decimal,
    insurance: Decimal,
    hoa: Decimal,
    *,
    income: Decimal,
    debts: Decimal,
    assets: Decimal,
) -> LoanApplication:
    return LoanApplication.model_validate(
        {
            "applicant_name": "Distill Example",
            "ssn": "900-00-0000",
            "credit_score": 720,
            "employment_status": "employed",
            "employment_years": 5,
            "monthly_income": income,
            "monthly_debts": debts,
            "liquid_assets": assets,
            "loan_type": program,
            "loan_purpose": "purchase",
            "loan_amount": loan,
            "property_value": value,
            "interest_rate": rate,
            "term_months": term,
            "product": "fixed",
            "occupancy": "primary",
            "property_units": 1,
            "property_state": "OH",
            "annual_property_tax": tax,
            "annual_insurance": insurance,
            "monthly_hoa": hoa,
            "veteran": program == "va",
        }
    )


def make_case(rng: random.Random, index: int) -> RatioCase:
    """The index-th case: programs and outcomes in turn, every COMPUTED_EVERY-th one figures only."""
    program, want = PAIRS[index % len(PAIRS)]
    app, driver = _application(rng, program, want)
    lim = LIMITS[program]
    r = compute_ratios(app, mi_annual_rate_pct=mi_rate(program, ltv_pct(app.loan_amount, app.property_value)))
    figures = {
        "piti": str(r.piti),
        "monthly_income": str(r.monthly_income),
        "monthly_debts": str(r.monthly_debts),
        "front_end_dti": str(r.front_end_dti),
        "back_end_dti": str(r.back_end_dti),
        "ltv": str(r.ltv),
        "reserves_months": str(r.reserves_months),
    }
    got = outcome(lim, r.back_end_dti, r.ltv)
    driver = "ltv" if r.ltv > lim.max_ltv else ("dti" if got != "PASS" else "")
    computed = index % COMPUTED_EVERY == COMPUTED_EVERY - 1
    return RatioCase(
        case_id=f"case-{index:05d}",
        program=program,
        verdict="COMPUTED" if computed else got,
        driver="" if computed else driver,
        figures=figures,
        limits=() if computed else tuple(limit_lines(lim)),
        max_dti=str(lim.max_dti),
        review_dti=str(lim.review_dti or ""),
        max_ltv=str(lim.max_ltv),
    )
