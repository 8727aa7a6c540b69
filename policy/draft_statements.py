"""Drafting the slots that state no number (eligibility gates: "FHA loans are for primary residences only",
"a qualified mortgage may not have a balloon payment"): the sentence of the slot's program that carries the
kind's cue words, fits the slot's conditions and reads most like the slot's own wording.
"""

from __future__ import annotations

import re

from policy import draft_kinds as dk
from policy.draft_read import Passage
from policy.grammar import canonical_words, similarity
from policy.slots import Slot

_NO = r"\bnot\b|\bnever\b|\bno\b|ineligib|only|prohibit|may not|cannot"
# kind -> patterns that must all be in the sentence
CUES: dict[str, tuple[str, ...]] = {
    "primary_residence_only": (
        r"primary residence|principal residence|live in|will occupy|own home",
        r"only|must|never",
    ),
    "coe_required": (r"certificate of eligibility",),
    "rural_purchase_only": (r"rural", r"purchase"),
    "ineligible_occupancy": (r"investment|rental|second home", _NO),
    "qm_required": (r"qualified mortgage", r"\bonly\b|every|all\b"),
    "prohibited_features": (r"negative amortization|interest-only|balloon", _NO),
    "prohibited_bases": (r"\brace\b", r"national origin|religion"),
    "employment_ineligible": (r"unemploy|no job|no (?:other )?(?:documented )?income", _NO),
    "county_loan_limit": (r"county", r"limit"),
    "ineligible_purpose": (r"cash-out|refinanc|purchase", _NO),
    "one_unit_only": (r"one-unit|single-family|two- to four-unit", r"only|ineligib|must be"),
    "gift_ineligible_occupancy": (r"\bgifts?\b", _NO),
    "gift_donors": (r"\bgifts?\b", r"relative|family|employer|donor"),
    "cltv_same_limits": (r"combined",),
    "debt_deferred_student": (r"student loan",),
    "debt_paid_off": (r"paid off|payoff",),
    "debt_subordinate_payment": (r"any other debt|subordinate (?:lien|financing)", r"disclosed|payment"),
    "reserves_after_closing": (r"reserves", r"after closing|remaining"),
    "funds_to_close": (r"funds", r"statements"),
    "min_residual_income": (r"residual income", r"must meet|at least"),
    "review_self_employed": (r"self-employ", r"review|underwriter"),
}
SLOT_CUES: dict[str, str] = {  # where two slots of one program share a kind
    "va.purchase_only": r"purchases? only|only (?:for )?purchase",
    "fha.cash_out_not_offered": r"cash-out",
    "jumbo.cash_out_ineligible": r"cash-out",
}
MIN_SIMILARITY = 0.1


def fits(slot: Slot, p: Passage, program: str) -> bool:
    if slot.program != program or p.is_row:
        return False
    cues = CUES.get(slot.kind)
    if cues is None or not all(re.search(c, p.text, re.IGNORECASE) for c in cues):
        return False
    extra = SLOT_CUES.get(slot.id)
    if extra:  # the cue names what the slot gates; the sentence may name it as the only allowed case
        return bool(re.search(extra, p.text, re.IGNORECASE))
    return dk.condition_fit(slot.conditions, dk.conditions(p.text)) is not None or _names_condition(slot, p.text)


def _names_condition(slot: Slot, text: str) -> bool:
    """A gate on an occupancy or purpose holds when the sentence names it, even among others
    ("investment properties and cash-out refinances are not financed")."""
    found = dk.conditions(text)
    return bool(slot.conditions) and all(set(found.get(k, ())) & set(v) for k, v in slot.conditions.items())


def best_statements(slots: list[Slot], passages: list[tuple[Passage, str]]) -> dict[str, tuple[Passage, float]]:
    """slot id -> (the sentence that states it, confidence) for each slot some sentence states."""
    out: dict[str, tuple[Passage, float]] = {}
    for slot in slots:
        wording = canonical_words(slot.sentence)
        scored = [
            (similarity(wording, canonical_words(p.text)), i, p)
            for i, (p, program) in enumerate(passages)
            if fits(slot, p, program)
        ]
        if not scored:
            continue
        score, _, p = max(scored, key=lambda s: (s[0], -s[1]))
        if score >= MIN_SIMILARITY:
            out[slot.id] = (p, round(min(0.5 + score / 2, 0.95), 2))
    return out
