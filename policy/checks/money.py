"""Findings for the Form 1003 money: debt treatment, gifts, funds to close, reserves after closing,
the FHA county limit and VA residual income. Thresholds come from the cited policy sentence or a
published table (policy/reference.py); a passage not found makes the finding UNVERIFIED.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from core.schemas import LoanApplication
from policy import money, reference
from policy.evidence import Evidence
from policy.findings import Evidences, finding, pct, unverified
from policy.findings import money as fmt
from policy.rules import Rule, rule_applies
from policy.types import Finding

GIFT_KINDS = ("gift_donors", "gift_ineligible_occupancy", "gift_min_contribution")
# donor -> the words a program guide uses for it; a donor is acceptable when its words are in the quote
DONOR_WORDS = {
    "relative": ("relative", "family member"),
    "domestic_partner": ("domestic partner",),
    "fiance": ("fiance",),
    "employer": ("employer",),
    "close_friend": ("close friend",),
    "charity": ("charitable organization",),
    "government": ("governmental agency",),
}
INTERESTED_PARTIES = frozenset({"seller", "real_estate_agent", "builder", "other_interested_party"})
DEBT_RULES = {
    "installment_months": "underwriting_standards.installment_months",
    "revolving_no_payment": "underwriting_standards.revolving_no_payment",
    "deferred_student": "underwriting_standards.deferred_student_loans",
}
SUBORDINATE_RULE = "underwriting_standards.subordinate_lien_payment"


@dataclass(frozen=True)
class DebtResult:
    items: tuple[money.CountedDebt, ...]
    counted: Decimal
    payoffs: Decimal
    findings: tuple[Finding, ...]


def debts(app: LoanApplication, ev: Evidences) -> DebtResult:
    """Each liability counted by the policy's debt rules, each treatment cited."""
    needed = {money.needs(item) for item in app.liabilities} - {None}
    found = {name: ev.get(DEBT_RULES[name]) for name in sorted(needed)}
    out = [unverified(e) for e in found.values() if not e.found]
    ok = lambda name: name in found and found[name].found  # noqa: E731
    method = reference.deferred_student_loan_method(app.loan_type)
    policy = money.DebtPolicy(
        installment_min_months=int(found["installment_months"].value()) if ok("installment_months") else None,
        revolving_pct=found["revolving_no_payment"].value() if ok("revolving_no_payment") else None,
        student_pct=method.pct_of_balance if method and ok("deferred_student") else None,
        student_months=method.divide_by_months if method else 1,
    )
    items = money.count_debts(app, policy)
    out += _debt_findings(app, items, found, method)
    out += subordinate_payment(app, items, ev)
    return DebtResult(
        items, sum((d.counted for d in items), Decimal(0)), sum((d.payoff for d in items), Decimal(0)), tuple(out)
    )


def subordinate_payment(app: LoanApplication, items: tuple[money.CountedDebt, ...], ev: Evidences) -> list[Finding]:
    """Underwriting Standards 5.1(g): a subordinate lien (kept, or made at closing) is a debt the application
    discloses, so its payment is in the back-end DTI. The lien is recognised among the liabilities by its
    balance; when none with that balance carries a payment the DTI leaves it out, and a person decides."""
    if app.subordinate_liens <= 0:
        return []
    rule = ev.get(SUBORDINATE_RULE)
    if not rule.found:
        return [unverified(rule)]
    listed = items[len(items) - len(app.liabilities) :]
    counted = [
        d.counted
        for item, d in zip(app.liabilities, listed)
        if item.balance == app.subordinate_liens and not item.paid_off_at_closing and d.counted > 0
    ]
    if counted:
        return [
            finding(
                rule,
                "INFO",
                f"The subordinate lien of {fmt(app.subordinate_liens)} is in the DTI at {fmt(counted[0])} a month.",
            )
        ]
    return [
        finding(
            rule,
            "REVIEW",
            f"Subordinate financing of {fmt(app.subordinate_liens)} is on this file, but no "
            "liability with that balance and a monthly payment is listed, so the DTI leaves its payment out: "
            "list the lien among the liabilities (its balance and the payment from the note or commitment), "
            "or a person recomputes the DTI.",
        )
    ]


def _debt_findings(app, items, found: dict[str, Evidence], method) -> list[Finding]:
    out: list[Finding] = []
    excluded = [d for d in items if d.treatment == "excluded_short"]
    if excluded and found["installment_months"].found:
        out.append(
            finding(
                found["installment_months"],
                "INFO",
                f"{len(excluded)} installment debt(s) with "
                f"{found['installment_months'].value()} or fewer payments left not counted "
                f"({fmt(sum(d.reported for d in excluded))} a month).",
            )
        )
    deferred = [d for d in items if d.treatment == "deferred_student"]
    if deferred:
        out.append(
            finding(
                found["deferred_student"],
                "INFO",
                f"Deferred student loan(s) counted at {method.pct_of_balance}% "
                f"of the balance{' / 12' if method.divide_by_months == 12 else ''}: "
                f"{fmt(sum(d.counted for d in deferred))} a month ({method.source}).",
            )
        )
    if any(d.treatment == "unresolved" and d.kind == "student_loan" for d in items) and "deferred_student" in found:
        out.append(
            finding(
                found["deferred_student"],
                "REVIEW",
                f"A deferred student loan on a {app.loan_type} file: the "
                "program guide states no payment method, so a person sets the payment counted.",
            )
        )
    revolving = [d for d in items if d.treatment == "revolving_no_payment"]
    if revolving and found["revolving_no_payment"].found:
        out.append(
            finding(
                found["revolving_no_payment"],
                "INFO",
                f"Revolving account(s) with no payment reported counted at "
                f"{pct(found['revolving_no_payment'].value())} of the balance.",
            )
        )
    return out


def va_funding_fee_pct(app: LoanApplication, values: dict[str, Decimal]) -> Decimal:
    """VA 8.1/11: the fee by first or subsequent use and the down payment; 0 when the COE shows an exemption."""
    if app.va_funding_fee_exempt:
        return Decimal(0)
    down = (
        (app.property_value - app.loan_amount) * 100 / app.property_value
        if app.loan_purpose == "purchase"
        else Decimal(0)
    )
    if down < values["low_dp"]:
        return values["subsequent_low"] if app.va_subsequent_use else values["first_low"]
    return values["first_mid"] if down < values["mid_dp"] else values["first_high"]


def va_fee_finding(app: LoanApplication, ev: Evidences, fee: Decimal) -> list[Finding]:
    """INFO: the VA funding fee applied (or UNVERIFIED when its passage is not found)."""
    if app.loan_type != "va":
        return []
    e = ev.get("va.funding_fee")
    if not e.found:
        return [unverified(e)]
    how = "financed into the note" if app.upfront_fee_financed else "paid at closing"
    why = " (exempt per the Certificate of Eligibility)" if app.va_funding_fee_exempt else ""
    return [
        finding(
            e, "INFO", f"VA funding fee {pct(va_funding_fee_pct(app, e.threshold.values))}{why}: {fmt(fee)}, {how}."
        )
    ]


def upfront_fee(app: LoanApplication, ev: Evidences) -> Decimal:
    """The FHA upfront MIP, USDA upfront guarantee fee or VA funding fee in dollars (0 if none or unread)."""
    if app.loan_type == "va":
        e = ev.get("va.funding_fee")
        rate = va_funding_fee_pct(app, e.threshold.values) if e.found else Decimal(0)
        return (app.loan_amount * rate / 100).quantize(Decimal("0.01"))
    rule, group = {"fha": ("fha.upfront_mip", "value"), "usda": ("usda.guarantee_fees", "upfront")}.get(
        app.loan_type, (None, None)
    )
    if rule is None or not ev.get(rule).found:
        return Decimal(0)
    return (app.loan_amount * ev.get(rule).value(group) / 100).quantize(Decimal("0.01"))


def _gift_rules(app: LoanApplication, rules: dict[str, Rule]) -> list[Rule]:
    return [r for r in rules.values() if r.kind in GIFT_KINDS and r.program == app.loan_type and rule_applies(r, app)]


def _allowed_donors(quote: str) -> set[str] | None:
    """Donors a gift sentence names; None when it names none (every donor but an interested party)."""
    text = quote.lower()
    named = {donor for donor, words in DONOR_WORDS.items() if any(w in text for w in words)}
    return named or None


def gifts(app: LoanApplication, ev: Evidences, rules: dict[str, Rule]) -> tuple[bool, list[Finding]]:
    """(gifts may be counted, findings) for the program's occupancy and donor rules."""
    given = [a for a in app.assets if a.kind == "gift"]
    if not given:
        return True, []
    out: list[Finding] = []
    for rule in _gift_rules(app, rules):
        e = ev.get(rule.id)
        if not e.found:
            out.append(unverified(e))
        elif rule.kind == "gift_ineligible_occupancy":
            out.append(
                finding(
                    e,
                    "FAIL",
                    f"Gift funds of {fmt(sum(a.value for a in given))} are not permitted on a "
                    f"{app.occupancy.replace('_', ' ')} under this program.",
                    remedy="Replace the gift with the borrower's own verified funds.",
                )
            )
        elif rule.kind == "gift_donors" or _allowed_donors(e.threshold.quote):
            out += _donors(e, given)
    return not any(f.status in ("FAIL", "UNVERIFIED") for f in out), out


def _donors(e: Evidence, given) -> list[Finding]:
    allowed = _allowed_donors(e.threshold.quote)
    bad = [a for a in given if a.donor in INTERESTED_PARTIES or (allowed is not None and a.donor not in allowed)]
    if not bad:
        return [finding(e, "PASS", "Every gift comes from a donor the program accepts.")]
    names = ", ".join(sorted({a.donor.replace("_", " ") for a in bad}))
    return [
        finding(
            e,
            "FAIL",
            f"Gift funds from {names} are not acceptable under this program.",
            actual=names,
            remedy="Document a gift from an acceptable donor or the borrower's own funds.",
        )
    ]


def funds(
    app: LoanApplication, ev: Evidences, *, piti: Decimal, fee: Decimal, payoffs: Decimal, gifts_ok: bool
) -> tuple[money.Funds, list[Finding]]:
    """Funds to close and reserves after closing, assets counted at the policy's shares."""
    out: list[Finding] = []
    shares = money.AssetPolicy(Decimal(100), Decimal(0), Decimal(0))
    if any(a.kind in ("stocks", "retirement") for a in app.assets):
        e = ev.get("underwriting_standards.asset_counting")
        if e.found:
            shares = money.AssetPolicy(e.value("cash"), e.value("stocks"), e.value("retirement"))
            out.append(
                finding(
                    e,
                    "INFO",
                    f"Stocks counted at {pct(shares.stocks_pct)}, vested retirement at {pct(shares.retirement_pct)}.",
                )
            )
        else:
            out.append(unverified(e))
    result = money.compute_funds(
        app, piti=piti, upfront_fee=fee, assets=shares, payoffs=payoffs, gifts_acceptable=gifts_ok
    )
    return result, out


def shortfall(f: dict[str, Decimal], ev: Evidences) -> list[Finding]:
    """Funds to close against the verified funds available: a shortfall is its own FAIL."""
    e = ev.get("underwriting_standards.funds_to_close")
    need, have = f["funds_to_close"], f["funds_available"]
    shown = dict(actual=fmt(have))  # the need is computed, not a number the cited sentence states
    if have >= need:
        return [finding(e, "PASS", f"Verified funds {fmt(have)} cover the {fmt(need)} needed to close.", **shown)]
    short = (need - have).quantize(Decimal(1), rounding=ROUND_CEILING)
    return [
        finding(
            e,
            "FAIL",
            f"Funds to close of {fmt(need)} exceed the verified funds of {fmt(have)} by {fmt(short)}.",
            remedy=f"Verify ${short:,.0f} more in liquid assets or reduce the cash needed.",
            **shown,
        )
    ]


def contribution(
    app: LoanApplication, f: dict[str, Decimal], loan_ltv: Decimal, ev: Evidences, rules: dict[str, Rule]
) -> list[Finding]:
    """The borrower's own share of the price where a gift is used and the program sets a minimum."""
    if not any(a.kind == "gift" for a in app.assets):
        return []
    out = []
    for rule in [r for r in _gift_rules(app, rules) if r.kind == "gift_min_contribution"]:
        e = ev.get(rule.id)
        if not e.found:
            out.append(unverified(e))
            continue
        if "ltv" in e.threshold.values and not (
            loan_ltv > e.value("ltv") and (app.occupancy == "second_home" or app.property_units > 1)
        ):
            continue
        need = (e.value() * app.property_value / 100).quantize(Decimal("0.01"))
        own = f["down_payment"] - min(f["gift_funds"], f["down_payment"])
        status = "PASS" if own >= need else "FAIL"
        out.append(
            finding(
                e,
                status,
                f"Borrower's own contribution {fmt(own)} against the {pct(e.value())} "
                f"({fmt(need)}) the program requires with a gift.",
                threshold=pct(e.value()),
                actual=fmt(own),
            )
        )
    return out


def other_property_reserves(app: LoanApplication, r, ev: Evidences) -> list[Finding]:
    """Jumbo 8.1: the subject's reserve plus N months of the payment on each other financed property."""
    others = [item for item in app.liabilities if item.kind == "other_mortgage" and not item.paid_off_at_closing]
    if app.loan_type != "jumbo" or not others:
        return []
    e, base = ev.get("jumbo.reserves_other_properties"), ev.get("jumbo.min_reserves")
    if not (e.found and base.found):
        return [unverified(e if not e.found else base)]
    need = base.value() * r.piti + e.value() * sum((item.monthly_payment for item in others), Decimal(0))
    have = r.reserves_after_closing
    shown = dict(actual=fmt(have))
    if have >= need:
        return [
            finding(
                e,
                "PASS",
                f"Reserves after closing {fmt(have)} cover {base.value()} months of PITI plus "
                f"{e.value()} months on {len(others)} other financed propert{'y' if len(others) == 1 else 'ies'}.",
                **shown,
            )
        ]
    short = (need - have).quantize(Decimal(1), rounding=ROUND_CEILING)
    return [
        finding(
            e,
            "FAIL",
            f"Reserves after closing {fmt(have)} are short of the {fmt(need.quantize(Decimal('0.01')))} "
            f"needed with {len(others)} other financed propert{'y' if len(others) == 1 else 'ies'}.",
            remedy=f"${short:,.0f} more in verified liquid assets meets the reserve requirement.",
            **shown,
        )
    ]
