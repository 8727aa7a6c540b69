"""Program rules on existing application fields that the policy states and the engine once skipped.

Each threshold is the rulebook's, verified against the cited sentence (seed_data/rulebook.json), never written
here: fixed rate above an LTV, one-unit-only transactions, a required term and product, CLTV against the LTV
limits, the FHA score band that goes to a human underwriter, and the conventional human-review triggers (LTV,
self-employment).
"""

from __future__ import annotations

from core.schemas import LoanApplication
from policy.checks.program import ltv_limits
from policy.evidence import Evidence
from policy.figures import RatioFigures
from policy.findings import Evidences, finding, pct, unverified
from policy.formulas import extra_down_payment_to_reach_ltv
from policy.rules import Rule
from policy.types import Finding

KINDS = (
    "fixed_rate_above_ltv",
    "one_unit_only",
    "review_score_band",
    "review_above_ltv",
    "review_self_employed",
    "ineligible_purpose",
    "review_income_near_limit",
    "required_term_product",
)


def evaluate(app: LoanApplication, r: RatioFigures, ev: Evidences, applicable: list[Rule]) -> list[Finding]:
    """Findings of every applicable rule of the kinds above, plus CLTV against each applicable LTV limit."""
    out: list[Finding] = []
    for rule in applicable:
        if rule.kind == "review_income_near_limit":
            out += income_near_limit(app, ev.get(rule.id), ev.get("usda.max_income_pct_ami"))
        elif rule.kind in KINDS:
            out += _check(app, r, ev.get(rule.id))
    cltv_rules = [rule for rule in applicable if rule.kind == "cltv_same_limits"]
    if cltv_rules and app.subordinate_liens > 0:
        ltv_ids = [rule.id for rule in applicable if rule.kind in ("max_ltv", "max_ltv_by_credit_score")]
        out += cltv(app, r, ev, ev.get(cltv_rules[0].id), ltv_ids)
    return out


def _check(app: LoanApplication, r: RatioFigures, e: Evidence) -> list[Finding]:
    if not e.found:
        return [unverified(e)]
    kind = e.rule.kind
    if kind == "fixed_rate_above_ltv":
        limit = e.value()
        if r.ltv > limit and app.product != "fixed":
            return [
                finding(
                    e,
                    "FAIL",
                    f"LTV {pct(r.ltv)} is above {pct(limit)}: the loan must be fixed-rate, "
                    f"not {app.product.replace('_', ' ')}.",
                    threshold=f"fixed rate above {pct(limit)} LTV",
                    actual=f"{app.product}, LTV {pct(r.ltv)}",
                    remedy=f"A fixed-rate loan, or an LTV of {pct(limit)} or less.",
                )
            ]
        return [finding(e, "PASS", f"Product {app.product} at LTV {pct(r.ltv)} meets the fixed-rate rule.")]
    if kind == "one_unit_only":
        return [_one_unit(app, e)]
    if kind == "required_term_product":
        return [_term_product(app, e)]
    if kind == "ineligible_purpose":  # its applies_when already selected the purposes the program refuses
        return [
            finding(
                e,
                "FAIL",
                f"A {app.loan_purpose.replace('_', ' ')} is not offered under this program.",
                threshold=e.rule.label,
                actual=app.loan_purpose,
            )
        ]
    if kind == "review_score_band":
        low, high = e.value("min_score"), e.value("max_score")
        if low <= app.credit_score <= high:
            return [
                finding(
                    e,
                    "REVIEW",
                    f"Decision score {app.credit_score} is in the {low}-{high} band: a human "
                    "underwriter must underwrite the file.",
                    threshold=f"{low}-{high}",
                    actual=str(app.credit_score),
                )
            ]
        return [finding(e, "PASS", f"Decision score {app.credit_score} is outside the {low}-{high} manual band.")]
    if kind == "review_above_ltv":
        limit = e.value()
        if r.ltv > limit:
            return [
                finding(
                    e,
                    "REVIEW",
                    f"LTV {pct(r.ltv)} is above {pct(limit)}: a human underwriter must sign.",
                    threshold=pct(limit),
                    actual=pct(r.ltv),
                )
            ]
        return [finding(e, "PASS", f"LTV {pct(r.ltv)} does not exceed {pct(limit)}.")]
    # review_self_employed: its applies_when already selected self-employed borrowers
    return [finding(e, "REVIEW", "Self-employment income is used to qualify: a human underwriter must sign.")]


def _one_unit(app: LoanApplication, e: Evidence) -> Finding:
    problems = []
    if app.property_units != 1:
        problems.append(f"{app.property_units} units")
    if e.rule.id == "conventional.cash_out_one_unit" and app.occupancy != "primary":
        problems.append(f"a {app.occupancy.replace('_', ' ')} property")
    if e.rule.id == "conventional.investment_one_unit" and app.loan_purpose != "purchase":
        problems.append(f"a {app.loan_purpose.replace('_', ' ')}")
    if not problems:
        return finding(e, "PASS", f"{e.rule.label}: met.")
    return finding(
        e,
        "FAIL",
        f"{e.rule.label}: this file is {' and '.join(problems)}.",
        threshold="one unit",
        actual=", ".join(problems),
    )


def _term_product(app: LoanApplication, e: Evidence) -> Finding:
    """USDA 1.2: the loan is a fixed-rate mortgage with the one term the sentence states."""
    years = e.value("term_years")
    problems = [f"a {app.term_months}-month term"] if app.term_months != years * 12 else []
    if app.product != "fixed":
        problems.append(f"product {app.product}")
    if not problems:
        return finding(e, "PASS", f"A fixed-rate loan with a {years}-year term.")
    return finding(
        e,
        "FAIL",
        f"{e.rule.label}: this loan has {' and '.join(problems)}, not a fixed rate over {years} years.",
        threshold=e.rule.label,  # a yes/no rule: no number to miss by
        actual=f"{app.product}, {app.term_months}-month term",
        remedy=f"A fixed-rate loan with a {years}-year term, or another program.",
    )


def cltv(app: LoanApplication, r: RatioFigures, ev: Evidences, rule: Evidence, ltv_ids: list[str]) -> list[Finding]:
    """The program's LTV limits tested against CLTV (the sentence saying they apply to both is cited)."""
    if not rule.found:
        return [unverified(rule)]
    out, limits = ltv_limits(app, ev, ltv_ids)
    for e, limit in limits:
        # cited: the passage whose number is compared; the "apply to both" sentence is required above
        if r.cltv <= limit:
            out.append(
                finding(
                    e,
                    "PASS",
                    f"CLTV {pct(r.cltv)} is within the {pct(limit)} maximum ({e.rule.label}).",
                    threshold=pct(limit),
                    actual=pct(r.cltv),
                )
            )
            continue
        total = app.loan_amount + app.subordinate_liens
        extra = extra_down_payment_to_reach_ltv(total, app.property_value, limit)
        out.append(
            finding(
                e,
                "FAIL",
                f"CLTV {pct(r.cltv)} exceeds the {pct(limit)} maximum ({e.rule.label}; "
                f"the limits apply to LTV and CLTV alike).",
                threshold=pct(limit),
                actual=pct(r.cltv),
                remedy=f"Reduce the loan or subordinate liens by ${extra:,.0f} to reach {pct(limit)} CLTV.",
            )
        )
    return out


def income_near_limit(app: LoanApplication, near: Evidence, limit_ev: Evidence) -> list[Finding]:
    """USDA 10.1: household income within 5% (of the limit, relative) below the limit -> a person signs.
    Above the limit is the income rule's FAIL; unknown income is already that rule's REVIEW."""
    if not (near.found and limit_ev.found):
        return [unverified(near if not near.found else limit_ev)]
    actual, limit, band = app.household_income_pct_ami, limit_ev.value(), near.value()
    if actual is None or actual > limit:
        return []
    if actual >= limit * (100 - band) / 100:
        return [
            finding(
                near,
                "REVIEW",
                f"Household income {pct(actual)} of area median is within {pct(band)} of the "
                f"{pct(limit)} limit: a human underwriter must sign.",
                threshold=f"within {pct(band)}",
                actual=pct(actual),
            )
        ]
    return [finding(near, "PASS", f"Household income {pct(actual)} is not within {pct(band)} of the limit.")]
