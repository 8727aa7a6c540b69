"""The offline teacher: the deterministic Ratio narrative, in phrasings a seeded RNG picks.

Every figure is written with core.llm.local_prompt.fmt, as in the prompt, so a faithful student
can copy them; the verdict is stated in the words agents/narrative_guard.py recognises.
"""

from __future__ import annotations

import random

from agents.distill.applications import RatioCase
from core.llm.local_prompt import fmt

NAMES = {"conventional": "conventional", "fha": "FHA", "va": "VA", "usda": "USDA", "jumbo": "jumbo"}

_LEAD = {
    "PASS": (
        "The file is within the {name} limits and eligible on these ratios: "
        "DTI {dti} is at or under {max_dti} and LTV {ltv} at or under {max_ltv}.",
        "Ratios pass, so the loan is approvable on ratios: "
        "DTI {dti} against a {name} maximum of {max_dti}, LTV {ltv} against {max_ltv}.",
        "DTI {dti} and LTV {ltv} are inside the {name} limits of {max_dti} and {max_ltv}; "
        "the file is eligible on ratios.",
    ),
    "REVIEW": (
        "DTI {dti} is above the {name} maximum of {max_dti}{band}, so the file needs human review.",
        "The file is referred for manual review, as DTI {dti} is above the {name} limit of {max_dti}{band}.",
        "Human review is required: DTI {dti} is over the {name} maximum of {max_dti}{band}.",
    ),
    "FAIL_dti": (
        "DTI {dti} exceeds the {name} ceiling of {top}, so the file is ineligible on ratios.",
        "The loan is ineligible: DTI {dti} is above the most the {name} program allows, {top}.",
        "At DTI {dti} the file breaks the {name} limit of {top} and would be declined on ratios.",
    ),
    "FAIL_ltv": (
        "LTV {ltv} is above the {name} maximum of {max_ltv}, so the loan is ineligible.",
        "The loan is ineligible: LTV {ltv} exceeds the {max_ltv} the {name} program allows.",
        "At LTV {ltv} the file is over the {name} limit of {max_ltv} and would be declined.",
    ),
}
_PAYMENT = (
    "PITI is {piti} on income of {income} ({front}), with {debts} of other debts.",
    "The {piti} housing payment is {front} of the {income} income; other debts are {debts}.",
    "Housing costs {piti} a month, {front} of {income}, plus {debts} of debts.",
)
_TAIL = (
    "DTI is {dti}, LTV {ltv}, reserves {reserves}.",
    "The DTI is {dti} and LTV {ltv}, with {reserves} of reserves.",
    "Reserves are {reserves}; DTI {dti}, LTV {ltv}.",
)


def _slots(case: RatioCase) -> dict[str, str]:
    f = case.figures
    pct = {
        k: fmt(v, "%") or ""
        for k, v in (("max_dti", case.max_dti), ("max_ltv", case.max_ltv), ("review", case.review_dti or None))
    }
    return {
        "name": NAMES[case.program],
        "piti": fmt(f["piti"], "$"),
        "income": fmt(f["monthly_income"], "$"),
        "debts": fmt(f["monthly_debts"], "$"),
        "front": fmt(f["front_end_dti"], "%"),
        "dti": fmt(f["back_end_dti"], "%"),
        "ltv": fmt(f["ltv"], "%"),
        "reserves": fmt(f["reserves_months"], "mo"),
        "max_dti": pct["max_dti"],
        "max_ltv": pct["max_ltv"],
        "top": pct["review"] or pct["max_dti"],
        "band": f" but within the review band to {pct['review']}" if pct["review"] else "",
    }


def narrate_offline(case: RatioCase, rng: random.Random) -> str:
    """Two sentences: the verdict and the limit deciding it (figures only when COMPUTED), then the payment."""
    s = _slots(case)
    payment = rng.choice(_PAYMENT)
    if case.verdict == "COMPUTED":
        return " ".join(t.format(**s) for t in (payment, rng.choice(_TAIL)))
    key = case.verdict if case.verdict != "FAIL" else f"FAIL_{case.driver or 'dti'}"
    return " ".join(t.format(**s) for t in (rng.choice(_LEAD[key]), payment))
