"""What the drafter knows about each rule kind beyond `policy.grammar`'s subject terms: the cue words a
sentence of that kind carries or must not carry, and how a passage's quantities are given to the value
names of a slot (by a cue word near the number, by size, or in order). Plus the passage's program and
conditions (occupancy, purpose, units, first-time buyer, product, term).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policy.grammar import Quantity

_I = re.IGNORECASE
_REVIEW = r"review|underwriter|compensat|exception|refer|manual"
_INELIGIBLE = r"ineligib|not eligible|declin|not permitted|will not be (?:made|approved|accepted)|denied|not allowed"


@dataclass(frozen=True)
class KindCue:
    need: str | None = None  # a pattern the passage must contain
    avoid: str | None = None  # a pattern it must not contain
    subject: str | None = None  # more subject terms, tried when policy.grammar's are absent
    direction: str | None = None  # "max" / "min": the comparator the passage must state


CUES: dict[str, KindCue] = {
    "min_credit_score": KindCue(avoid=r"\bltv\b|loan-to-value|financing|compensat|between|\d\s*(?:to|-|–)\s*\d{3}"),
    "max_ltv_by_credit_score": KindCue(),
    "review_score_band": KindCue(need=_REVIEW + r"|person|human"),
    "max_dti": KindCue(avoid=_REVIEW + "|" + _INELIGIBLE + r"|above|over|former|housing"),
    "max_dti_with_review": KindCue(need=_REVIEW + r"|acceptable only|only after"),
    "dti_ineligible_above": KindCue(need=_INELIGIBLE, avoid=r"housing"),
    "dti_review_above": KindCue(
        need=_REVIEW + r"|residual", avoid=r"compensat|no (?:greater|more) than|not more than|up to"
    ),
    "max_front_end": KindCue(subject=r"housing (?:expense )?ratio"),
    "max_ltv": KindCue(avoid=r"insurance|fixed|score|review|gift|own funds|contribut|compensat"),
    "mi_required_above_ltv": KindCue(need=r"above|exceed|greater than|more than|over", subject=r"insurance"),
    "mi_annual_rate": KindCue(need=r"annual|per year|yearly", avoid=r"funding fee"),
    "mi_upfront_rate": KindCue(need=r"up-?front", avoid=r"annual"),
    "conforming_limit": KindCue(avoid=r"jumbo"),
    "min_loan_amount_above_conforming": KindCue(need=r"conforming", subject=r"larger than|greater than|exceed|above"),
    "max_loan_amount": KindCue(avoid=r"conforming limit of|points and fees", subject=r"ceiling|maximum|jumbo loan"),
    "min_reserves_months": KindCue(avoid=r"other (?:mortgaged|financed)|compensat|each of"),
    "reserves_other_properties": KindCue(need=r"other (?:mortgaged|financed|real estate)|each (?:other|of those)"),
    "compensating_factors": KindCue(need=r"compensat"),
    "max_income_pct_ami": KindCue(need=r"median"),
    "review_income_near_limit": KindCue(need=r"within", avoid=r"residual"),
    "residual_income_review": KindCue(need=r"residual.*within|within.*residual", subject=r"residual"),
    "min_employment_years": KindCue(subject=r"work history|employment history"),
    "max_term_months": KindCue(need=r"(?<![\w-])term\b", direction="max"),
    "max_points_and_fees_pct": KindCue(),
    "higher_priced_review": KindCue(need=r"apor|average prime", subject=r"higher-priced"),
    "notice_deadline_days": KindCue(subject=r"action taken"),
    "max_adverse_reasons": KindCue(need=r"principal|adverse"),
    "arm_qualifying_rate_add": KindCue(need=r"qualif", subject=r"adjustable"),
    "debt_installment_months": KindCue(
        need=r"installment[^.;]{0,60}(?:payments?|months?)[^.;]{0,20}remaining|remaining[^.;]{0,40}payments"
    ),
    "debt_revolving_no_payment": KindCue(need=r"revolving"),
    "asset_counting": KindCue(need=r"retirement", subject=r"stocks|savings|checking"),
    "fixed_rate_above_ltv": KindCue(need=r"fixed"),
    "review_above_ltv": KindCue(need=r"review|underwriter"),
    "gift_min_contribution": KindCue(need=r"own (?:funds|money)|personal funds"),
    "va_funding_fee": KindCue(need=r"funding fee"),
    "apr_apor_spread": KindCue(need=r"margin"),
}
# slot-specific cues where two slots share a kind and a program
SLOT_CUES: dict[str, KindCue] = {
    "fair_lending.incomplete_notice_deadline": KindCue(need=r"incomplet"),
    "fair_lending.notice_days": KindCue(need=r"action taken", avoid=r"incomplet"),
    "jumbo.gift_donors": KindCue(need=r"gift|relative"),
    "fha.manual_underwriting_score": KindCue(need=r"between|from|\bto\b"),
}

# value name -> a cue word the number stands next to
VALUE_CUES = {
    "first_time": r"first[\s-]*time",
    "other": r"\bother\b|all others|everyone else",
    "upfront": r"up-?front",
    "cash": r"checking|savings|cash|money[\s-]market",
    "stocks": r"stocks|bonds|mutual",
    "retirement": r"retirement",
    "former_limit": r"former|previous|prior|no longer|old",
    "ltv": r"\bltv\b|loan-to-value",
    "credit_score": r"score",
    "reserves_months": r"reserve|piti|months",
}
ASCENDING = (("above", "value"), ("min_score", "max_score"))


def accepts(unit: str, q: Quantity, name: str, text: str = "") -> bool:
    """Whether a stated quantity can be the slot value `name` in `unit`."""
    if name == "year":
        return q.unit == "count" and 1990 <= q.value <= 2100
    if unit == "score":
        return q.unit == "count" and 300 <= q.value <= 900
    if unit in ("years", "days"):
        return q.unit == unit
    if unit == "months":  # "ten payments left", "10 monthly payments" are months; "one escrow item" is not
        return q.unit == unit or (
            q.unit == "count"
            and q.value < 1000
            and bool(re.match(r"\s*(?:monthly\s+)?payments?\b|\s*monthly\b", text[q.span[1] :], _I))
        )
    if unit == "count":
        return q.unit == "count" and q.value < 1000
    return q.unit == unit


def assign(values: dict[str, str], text: str, found: list[Quantity]) -> tuple[dict[str, Quantity], bool] | None:
    """The quantities of `text` given to the slot's value names, and whether that was unambiguous;
    None when a value name gets no quantity."""
    pool = {name: [q for q in found if accepts(unit, q, name, text)] for name, unit in values.items()}
    out: dict[str, Quantity] = {}
    clear = True
    for low, high in ASCENDING:
        if low in values and high in values:
            qs = sorted(
                {q.value: q for q in pool[low] if q.unit == values[low] or values[low] == "score"}.values(),
                key=lambda q: q.value,
            )
            if len(qs) < 2:
                return None
            out[low], out[high] = qs[0], qs[-1]
            clear = len(qs) == 2
    for name in values:
        if name in out:
            continue
        taken = {id(q) for q in out.values()}
        options = [q for q in pool[name] if id(q) not in taken]
        if not options:
            return None
        cue = VALUE_CUES.get(name)
        hits = [m.start() for m in re.finditer(cue, text, _I)] if cue else []
        if hits:
            out[name] = min(options, key=lambda q: min(abs(q.span[0] - h) for h in hits))
        else:
            out[name] = options[0]
            clear = clear and len(options) == 1
    return out, clear


# --- program and conditions -----------------------------------------------------------------------------
PROGRAM_TERMS = {
    "fha": r"\bFHA\b|Federal Housing Administration",
    "va": r"\bVA\b|Veterans Affairs",
    "usda": r"\bUSDA\b|Rural Housing|Rural Development",
    "jumbo": r"\bjumbo\b",
    "conventional": r"\bconventional\b",
}


def programs_named(text: str) -> set[str]:
    return {p for p, pattern in PROGRAM_TERMS.items() if re.search(pattern, text, _I)}


CONDITIONS = {
    (
        "occupancy",
        "primary",
    ): r"primary residence|principal residence|owner[\s-]occupied|will (?:live in|occupy)|own home",
    ("occupancy", "second_home"): r"second[\s-]homes?|vacation home",
    ("occupancy", "investment"): r"investment propert|rental propert|non-owner",
    ("loan_purpose", "cash_out_refinance"): r"(?<!no-)(?<!no )(?<!limited )cash[\s-]out",
    ("loan_purpose", "rate_term_refinance"): r"rate/term|rate and term|no[\s-]cash[\s-]out|limited cash-out",
    ("loan_purpose", "purchase"): r"\bpurchase",
    ("property_units", 1): r"one[\s-]unit|single[\s-]family|1-unit",
    ("property_units", 2): r"two[\s-]+(?:to|-|through)[\s-]+four|2-4[\s-]unit|multi[\s-]unit",
    ("property_units", 3): r"three[\s-]+or[\s-]+four|two[\s-]+(?:to|-|through)[\s-]+four|2-4[\s-]unit",
    ("property_units", 4): r"three[\s-]+or[\s-]+four|two[\s-]+(?:to|-|through)[\s-]+four|2-4[\s-]unit",
    ("product", "arm"): r"adjustable[\s-]rate|\bARM\b",
}


def conditions(text: str) -> dict[str, tuple]:
    """Application field -> values the passage names (occupancy, purpose, units, product)."""
    out: dict[str, list] = {}
    for (field_name, value), pattern in CONDITIONS.items():
        if re.search(pattern, text, _I):
            out.setdefault(field_name, []).append(value)
    if out.get("property_units") and 1 in out["property_units"] and len(out["property_units"]) > 1:
        out["property_units"] = [1]  # "second home, one unit" next to a multi-unit word is rare; one wins
    return {k: tuple(v) for k, v in out.items()}


def condition_fit(slot: dict[str, tuple], found: dict[str, tuple]) -> float | None:
    """How well the passage's conditions fit a slot's (None: they contradict it)."""
    score = 0.0
    for name, allowed in slot.items():
        stated = found.get(name)
        if stated is None:
            score -= 0.5
        elif set(stated) & set(allowed):
            score += 1
        else:
            return None
    score -= 0.3 * sum(1 for name in found if name not in slot and name != "loan_purpose")
    return score
