"""Property-based fuzzing around the approvals: files that start approvable and are pushed across the
policy's lines. An approval must never stand on a failed, unverified or referred finding, nor on a credit
score, DTI or LTV that the published policy text puts out of bounds.

The bounds are read from the rulebook's figures (the policy text's numbers), and the ratios are recomputed
here independently of the engine from the application alone: principal and interest by the annuity formula
at the note rate, taxes, insurance, HOA and the stated debts over the stated income. That is a lower bound
of the engine's DTI (mortgage insurance, a financed fee or a qualifying rate only add to it), so a file whose
lower bound is over the program's maximum must not be approved, whatever the engine's arithmetic.

`make test` runs the fast profile (40 derandomised cases); `make fuzz` the long one; the counts of each
recommendation and of each blocking finding (the lines the pushes crossed) are written to
test-artifacts/fuzz-approvals-<profile>.json.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from tests.agents.support import write_fuzz_figures

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

SAMPLES = PROJECT_ROOT / "seed_data" / "applications"
# approvable files whose income is the stated monthly income and whose debts are the flat monthly figure
# (an itemised list, an income gross-up or a financed fee would make the recomputation here a guess)
SEEDS = (
    "01_conventional_clean_approve",
    "07_conventional_ltv_85_mi_conditions",
    "10_conventional_second_home_90_conditions",
    "14_conventional_at_conforming_limit_approve",
    "24_fha_clean_ltv_965_conditions",
    "33_va_clean_ltv_100_approve",
    "39_usda_clean_conditions",
    "43_jumbo_above_conforming_limit_approve",
)
APPROVALS = {"APPROVE", "APPROVE_WITH_CONDITIONS"}
BLOCKING = {"FAIL", "REVIEW", "UNVERIFIED"}
AGENTS = ("intake", "ratio", "compliance", "policy", "underwriting", "decision")
FIGURES: Counter[str] = Counter()


def _rule_numbers() -> dict[str, list[tuple[Decimal, str]]]:
    rules = json.loads((PROJECT_ROOT / "seed_data" / "rulebook.json").read_text())["rules"]
    return {r["id"]: [(Decimal(v["number"]), v["unit"]) for v in r["values"].values()] for r in rules}


RULES = _rule_numbers()


def numbers(prefix: str, unit: str) -> list[Decimal]:
    """The figures in `unit` of every rule whose id starts with `prefix`."""
    return [n for rule, values in RULES.items() if rule.startswith(prefix) for n, u in values if u == unit]


SEED_FILES = {name: json.loads((SAMPLES / f"{name}.json").read_text())["application"] for name in SEEDS}


def _seed(name: str) -> dict[str, Any]:
    return dict(SEED_FILES[name])  # a copy: a draw changes its own


def scaled(value: Any, factor: Decimal) -> Decimal:
    return (Decimal(str(value)) * factor).quantize(Decimal("0.01"))


def factors(low: str, high: str, near: str = "0.08") -> st.SearchStrategy[Decimal]:
    """A multiplier: half the time a small push either side of 1 (files near their lines), else anywhere
    from `low` to `high`."""
    return st.one_of(
        st.decimals(1 - Decimal(near), 1 + Decimal(near), places=2), st.decimals(Decimal(low), Decimal(high), places=2)
    )


@st.composite
def pushed_files(draw) -> dict[str, Any]:
    """An approvable seed with its credit score, income, debts, loan amount and value moved, often across
    a line (a small push as often as a large one)."""
    data = _seed(draw(st.sampled_from(SEEDS)))
    score = data["credit_score"]
    data["credit_score"] = draw(st.integers(max(300, score - 40), score) | st.integers(max(300, score - 260), 850))
    data["monthly_income"] = scaled(data["monthly_income"], draw(factors("0.5", "1.6")))
    data["monthly_debts"] = scaled(data.get("monthly_debts", 0), draw(factors("0", "4")))
    loan = scaled(data["loan_amount"], draw(factors("0.8", "1.25", near="0.03")))
    data["loan_amount"] = loan
    data["property_value"] = max(loan, scaled(data["property_value"], draw(factors("0.8", "1", near="0.03"))))
    return data


def dti_lower_bound(app) -> Decimal:
    """Back-end DTI (percent) from the application alone, counting only what every program counts."""
    rate, n = Decimal(app.interest_rate) / 1200, app.term_months
    pi = app.loan_amount * rate / (1 - (1 + rate) ** -n) if rate else app.loan_amount / n
    housing = pi + (app.annual_property_tax + app.annual_insurance) / 12 + (app.monthly_hoa or 0)
    return (housing + (app.monthly_debts or 0)) / app.monthly_income * 100


def blocking_findings(state: dict[str, Any]) -> list[str]:
    return [
        f"{agent}: {f.rule_id} {f.status}"
        for agent in AGENTS
        if agent in state
        for f in state[agent].findings
        if f.status in BLOCKING
    ]


@pytest.fixture(scope="module", autouse=True)
def figures(request):
    FIGURES.clear()
    yield FIGURES
    write_fuzz_figures(request, FIGURES, "fuzz-approvals")


@given(data=pushed_files())
def test_an_approval_never_stands_on_a_blocking_finding_or_an_out_of_bounds_figure(data, underwrite):
    app = validate_application(data)
    state = underwrite(app)
    recommendation = state["report"].recommendation
    FIGURES[recommendation] += 1
    FIGURES.update(blocking_findings(state))  # which lines the pushes crossed
    if recommendation not in APPROVALS:
        return
    program = app.loan_type
    assert not blocking_findings(state), f"{recommendation} with {blocking_findings(state)}"
    assert app.credit_score >= min(numbers(f"{program}.min_credit_score", "score")), "approved under the minimum"
    dti = dti_lower_bound(app)
    cap = max(numbers(f"{program}.max_dti", "percent"))
    assert dti <= cap + Decimal("0.01"), f"approved at a DTI of at least {dti:.2f}% (maximum {cap}%)"
    ltv = app.loan_amount / app.property_value * 100
    assert ltv <= max(numbers(f"{program}.max_ltv", "percent")), f"approved at an LTV of {ltv:.2f}%"


def test_the_seeds_themselves_are_approved(underwrite):
    """The property above is only worth something if its starting points are approvals."""
    for name in SEEDS:
        state = underwrite(validate_application(_seed(name)))
        assert state["report"].recommendation in APPROVALS, name
