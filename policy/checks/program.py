"""Program rule checks (pure given the evidence): each returns findings cited to the policy text."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from core.schemas import LoanApplication
from policy.evidence import Evidence
from policy.figures import RatioFigures
from policy.findings import Evidences, finding, money, pct, unverified
from policy.formulas import debt_reduction_to_reach_dti, extra_down_payment_to_reach_ltv, income_needed_for_dti
from policy.types import Finding


def _dti_remedy(r: RatioFigures, target: Decimal) -> str:
    cut = debt_reduction_to_reach_dti(r, target, r.monthly_income)
    if cut is not None:
        return f"Reduce monthly debts by ${cut:,.0f} to reach {pct(target)} DTI."
    income = income_needed_for_dti(r.total_obligations, target)
    return f"A gross monthly income of ${income:,.0f} reaches {pct(target)} DTI."


def credit(app: LoanApplication, ev: Evidences) -> list[Finding]:
    e = ev.get(f"{app.loan_type}.min_credit_score")
    if not e.found:
        return [unverified(e)]
    minimum, score = e.value(), Decimal(app.credit_score)
    if score >= minimum:
        return [
            finding(
                e,
                "PASS",
                f"Credit score {score} meets the {minimum} minimum.",
                threshold=str(minimum),
                actual=str(score),
            )
        ]
    # an eligibility break is a DECLINE even without the bureau's key factors: the decision then carries
    # a task to complete the notice (policy/outcomes.py), it is not turned into a referral
    missing = "" if app.credit_key_factors else " The bureau's key factors must be added to the notice."
    return [
        finding(
            e,
            "FAIL",
            f"Credit score {score} is below the {minimum} minimum.{missing}",
            threshold=str(minimum),
            actual=str(score),
        )
    ]


FIRST_TIME_DEFINITION = "conventional.first_time_homebuyer"


def first_time_tier(app: LoanApplication) -> bool:
    """Whether the first-time homebuyer tier is the borrower's: a first-time homebuyer has had no ownership
    interest in a residential property before applying (conventional 2.2), which a borrower refinancing
    the property has, whatever the application's flag says."""
    return app.first_time_buyer and app.loan_purpose == "purchase"


def _max_ltv(rule_id: str, app: LoanApplication, e: Evidence) -> Decimal | None:
    if rule_id == "conventional.max_ltv_primary":
        return e.value("first_time" if first_time_tier(app) else "other")
    if rule_id == "fha.max_ltv_score_580":
        return e.value() if app.credit_score >= e.value("min_score") else None
    if rule_id == "fha.max_ltv_score_500":
        return e.value() if e.value("min_score") <= app.credit_score <= e.value("max_score") else None
    return e.value()


def ltv_limits(
    app: LoanApplication, ev: Evidences, rule_ids: list[str]
) -> tuple[list[Finding], list[tuple[Evidence, Decimal]]]:
    """The LTV limits that apply to this borrower, each with its passage; a rule not found is an UNVERIFIED finding.
    A score tier that does not apply to the borrower gives neither."""
    missing: list[Finding] = []
    limits: list[tuple[Evidence, Decimal]] = []
    for rule_id in rule_ids:
        e = ev.get(rule_id)
        if not e.found:
            missing.append(unverified(e))
            continue
        limit = _max_ltv(rule_id, app, e)
        if limit is not None:
            limits.append((e, limit))
    return missing, limits


def _tier_note(app: LoanApplication, ev: Evidences, rule_ids: list[str]) -> list[Finding]:
    """Why a borrower flagged as a first-time buyer is held to the other borrowers' tier, cited."""
    if "conventional.max_ltv_primary" not in rule_ids or not app.first_time_buyer or first_time_tier(app):
        return []
    e = ev.get(FIRST_TIME_DEFINITION)
    return [
        finding(
            e,
            "INFO",
            f"A borrower on a {app.loan_purpose.replace('_', ' ')} owns the property, so is not a "
            "first-time homebuyer: the LTV tier for all other borrowers applies.",
        )
    ]


def ltv(app: LoanApplication, r: RatioFigures, ev: Evidences, rule_ids: list[str]) -> list[Finding]:
    out, limits = ltv_limits(app, ev, rule_ids)
    out += _tier_note(app, ev, rule_ids)
    for e, limit in limits:
        if r.ltv <= limit:
            out.append(
                finding(
                    e,
                    "PASS",
                    f"LTV {pct(r.ltv)} is within the {pct(limit)} maximum.",
                    threshold=pct(limit),
                    actual=pct(r.ltv),
                )
            )
        else:
            extra = extra_down_payment_to_reach_ltv(app.loan_amount, app.property_value, limit)
            out.append(
                finding(
                    e,
                    "FAIL",
                    f"LTV {pct(r.ltv)} exceeds the {pct(limit)} maximum.",
                    threshold=pct(limit),
                    actual=pct(r.ltv),
                    remedy=f"A down payment of ${extra:,.0f} more reaches {pct(limit)} LTV.",
                )
            )
    return out


def dti(app: LoanApplication, r: RatioFigures, ev: Evidences, has_rule) -> list[Finding]:
    p = app.loan_type
    mx = ev.get(f"{p}.max_dti")
    if not mx.found:
        return [unverified(mx)]
    value, limit = r.back_end_dti, mx.value()
    shown = dict(threshold=pct(limit), actual=pct(value))
    if value is not None and value <= limit:
        return [finding(mx, "PASS", f"DTI {pct(value)} is within the {pct(limit)} maximum.", **shown)]
    remedy = _dti_remedy(r, limit) if value is not None else None
    if has_rule(f"{p}.dti_review_above"):
        review = ev.get(f"{p}.dti_review_above")  # cited, so its own number is the one compared and shown
        above = review.value() if review.found else limit
        if value is not None and value <= above:
            return [finding(mx, "PASS", f"DTI {pct(value)} does not exceed the {pct(above)} review point.", **shown)]
        return [
            finding(
                review,
                "REVIEW",
                f"DTI {pct(value)} is above {pct(above)}: residual income needs human review.",
                threshold=pct(above),
                actual=pct(value),
            )
        ]
    if value is None or not has_rule(f"{p}.max_dti_with_review"):
        return [finding(mx, "FAIL", f"DTI {pct(value)} exceeds the {pct(limit)} maximum.", remedy=remedy, **shown)]
    band, cap = ev.get(f"{p}.max_dti_with_review"), ev.get(f"{p}.dti_ineligible_above")
    if not (band.found and cap.found):
        return [unverified(band if not band.found else cap)]
    if value > cap.value():
        return [
            finding(
                cap,
                "FAIL",
                f"DTI {pct(value)} is above {pct(cap.value())}: ineligible.",
                remedy=remedy,
                threshold=pct(cap.value()),
                actual=pct(value),
            )
        ]
    if value > band.value():
        return [
            finding(
                band,
                "FAIL",
                f"DTI {pct(value)} exceeds the {pct(band.value())} reviewable limit.",
                remedy=remedy,
                threshold=pct(band.value()),
                actual=pct(value),
            )
        ]
    if has_rule(f"{p}.compensating_factors"):
        return _compensating(app, r, ev.get(f"{p}.compensating_factors"), band, value, remedy, shown)
    return [
        finding(
            band,
            "REVIEW",
            f"DTI {pct(value)} is in the {pct(limit)}-{pct(band.value())} band that needs human review.",
            **shown,
        )
    ]


def _compensating(app, r: RatioFigures, cf: Evidence, band: Evidence, value, remedy, shown) -> list[Finding]:
    if not cf.found:
        return [unverified(cf)]
    months, score = cf.value("reserves_months"), cf.value("credit_score")
    if r.reserves_months >= months or app.credit_score >= score:
        return [
            finding(
                band,
                "REVIEW",
                f"DTI {pct(value)} is in the review band and a compensating factor holds "
                f"({r.reserves_months} months reserves, score {app.credit_score}).",
                **shown,
            )
        ]
    return [
        finding(
            cf,
            "FAIL",
            f"DTI {pct(value)} is above {shown['threshold']} with no compensating factor "
            f"(needs {months} months reserves or score {score}).",
            remedy=remedy,
            threshold=f"{months} months reserves or score {score}",
            actual=pct(value),
        )
    ]


def front_end(app: LoanApplication, r: RatioFigures, ev: Evidences) -> list[Finding]:
    e = ev.get(f"{app.loan_type}.max_front_end")
    if not e.found:
        return [unverified(e)]
    value, limit = r.front_end_dti, e.value()
    shown = dict(threshold=pct(limit), actual=pct(value))
    if value is not None and value <= limit:
        return [finding(e, "PASS", f"Housing ratio {pct(value)} is within the {pct(limit)} maximum.", **shown)]
    need = income_needed_for_dti(r.piti, limit)
    return [
        finding(
            e,
            "FAIL",
            f"Housing ratio {pct(value)} exceeds the {pct(limit)} maximum.",
            **shown,
            remedy=f"A gross monthly income of ${need:,.0f} reaches a {pct(limit)} housing ratio.",
        )
    ]


def reserves(app: LoanApplication, r: RatioFigures, e: Evidence) -> list[Finding]:
    if not e.found:
        return [unverified(e)]
    months = e.value()
    if r.reserves_months >= months:
        return [
            finding(e, "PASS", f"Reserves after closing of {r.reserves_months} months meet the {months}-month minimum.")
        ]
    short = (months * r.piti - r.reserves_after_closing).quantize(Decimal(1), rounding=ROUND_CEILING)
    return [
        finding(
            e,
            "FAIL",
            f"Reserves after closing of {r.reserves_months} months are below the {months}-month minimum.",
            threshold=f"{months} months",
            actual=f"{r.reserves_months} months",
            remedy=f"${short:,.0f} more in verified liquid assets reaches {months} months of reserves.",
        )
    ]


def loan_amount(app: LoanApplication, ev: Evidences) -> list[Finding]:
    if app.loan_type == "conventional":
        limit_ev = ev.get("conventional.conforming_limit")
        if not limit_ev.found:
            return [unverified(limit_ev)]
        limit = limit_ev.value()
        if app.loan_amount <= limit:
            return [
                finding(
                    limit_ev,
                    "PASS",
                    f"Loan amount {money(app.loan_amount)} is within the {money(limit)} conforming limit.",
                )
            ]
        return [
            finding(
                limit_ev,
                "FAIL",
                f"Loan amount {money(app.loan_amount)} exceeds the {money(limit)} conforming limit.",
                threshold=money(limit),
                actual=money(app.loan_amount),
                remedy="Apply under the jumbo program.",
            )
        ]
    floor_ev, cap_ev = ev.get("jumbo.min_loan_amount"), ev.get("jumbo.max_loan_amount")
    if not (floor_ev.found and cap_ev.found):
        return [unverified(floor_ev if not floor_ev.found else cap_ev)]
    floor = floor_ev.value()  # the jumbo guide's own figure: the cited passage is the one compared
    if app.loan_amount <= floor:
        return [
            finding(
                floor_ev,
                "FAIL",
                f"Loan amount {money(app.loan_amount)} does not exceed the {money(floor)} conforming limit.",
                threshold=money(floor),
                actual=money(app.loan_amount),
                remedy="Apply under the conventional program.",
            )
        ]
    if app.loan_amount > cap_ev.value():
        return [
            finding(
                cap_ev,
                "FAIL",
                f"Loan amount {money(app.loan_amount)} exceeds the {money(cap_ev.value())} maximum.",
                threshold=money(cap_ev.value()),
                actual=money(app.loan_amount),
                remedy=f"Reduce the loan amount by ${app.loan_amount - cap_ev.value():,.0f}.",
            )
        ]
    return [finding(cap_ev, "PASS", f"Loan amount {money(app.loan_amount)} is within the jumbo range.")]
