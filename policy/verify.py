"""Verify a rulebook against the whole text of a policy corpus: is each rule's value still what its cited
sentence or table row says, in the policy version in force?

Per rule, one of:
  verified       the cited sentence is in its document and states every value (also when reworded:
                 another sentence of the document with the rule's subject and the same values)
  value_changed  the sentence (or its rewording) is there but states another number
  conflicting    the document states the rule twice with different numbers
  missing        no sentence of the document states the rule (or the document is not in the corpus)
Pure over `PolicyText`s: no retrieval, no ranking, so a sentence on page 900 counts like one on page 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from core.text import normalise
from policy.corpus import PolicyText, Unit
from policy.grammar import Quantity, canonical_words, comparator, same_quantity, similarity, speaks_of
from policy.grammar import quantities as _quantities
from policy.rules import Rule
from policy.types import CitedQuote

Status = Literal["verified", "value_changed", "conflicting", "missing", "not_stated"]
REWORDED_MIN = 0.45  # a rewording must share about half the cited sentence's words (synonyms folded)
SAME_RULE_MIN = 0.8  # two sentences this alike in one document state the same rule: numbers must agree


@dataclass(frozen=True)
class RuleCheck:
    """What the corpus says about one rule; `citation` is where it is stated now (or the nearest sentence)."""

    rule_id: str
    status: Status
    detail: str
    citation: CitedQuote | None = None
    reworded: bool = False
    found: dict[str, str] = field(default_factory=dict)  # numbers the nearest sentence states, by unit

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    def to_dict(self) -> dict[str, object]:
        c = self.citation
        return {
            "rule_id": self.rule_id,
            "status": self.status,
            "detail": self.detail,
            "reworded": self.reworded,
            "found": self.found,
            "citation": None if c is None else c.model_dump(),
        }


def quantities(text: str) -> list[Quantity]:
    """Every number, small numbers in words too: a rule may say "four principal reasons"."""
    return _quantities(text, bare_words=True)


def verify_rule(rule: Rule, corpus: Mapping[str, PolicyText]) -> RuleCheck:
    """Check one rule against the current text of its document."""
    doc = corpus.get(rule.doc_id)
    if doc is None:
        return RuleCheck(rule.id, "missing", f"document '{rule.doc_id}' is not in the corpus")
    cited = normalise(rule.citation.sentence if rule.citation else "")
    units = doc.units()
    if cited and cited in doc.flat:
        return _exact(rule, doc, cited, units)
    return _reworded(rule, doc, cited, units)


def _exact(rule: Rule, doc: PolicyText, cited: str, units: list[Unit]) -> RuleCheck:
    page = next((u.page for u in units if cited in u.text or u.text in cited), rule.citation.page)
    citation = doc.cite(cited, page)
    stated = quantities(cited)
    missing = [name for name, v in rule.values.items() if not any(same_quantity(q, v.number, v.unit) for q in stated)]
    if missing:
        return RuleCheck(
            rule.id,
            "value_changed",
            f"the cited sentence does not state {_values(rule, missing)}; it states {_stated(stated)}",
            citation,
            found=_found(stated),
        )
    conflict = _conflict(rule, cited, units)
    if conflict is not None:
        return RuleCheck(
            rule.id,
            "conflicting",
            f"also stated with other numbers on page {conflict.page}: '{conflict.text}'",
            citation,
        )
    return RuleCheck(rule.id, "verified", "the cited sentence states the value", citation)


def _reworded(rule: Rule, doc: PolicyText, cited: str, units: list[Unit]) -> RuleCheck:
    """The cited sentence is not in the text verbatim: find the sentence or row that states the rule now."""
    words = canonical_words(cited)
    direction = comparator(cited)
    scored: list[tuple[float, Unit]] = []
    for unit in units:
        read = f"{unit.context} {unit.text}".strip()
        if not speaks_of(rule.kind, read):
            continue
        if direction and comparator(read) not in (direction, None):
            continue
        score = similarity(words, canonical_words(read))
        if score >= REWORDED_MIN:
            scored.append((score, unit))
    scored.sort(key=lambda su: -su[0])
    needed = _value_counts(rule, cited)
    stating = [(s, u) for s, u in scored if _states(rule, u, needed)]
    if stating:
        unit = stating[0][1]
        return RuleCheck(
            rule.id,
            "verified",
            f"stated in other words on page {unit.page}: '{unit.text}'",
            doc.cite(unit.text, unit.page),
            reworded=True,
        )
    if scored and rule.values:
        unit = scored[0][1]
        stated = quantities(unit.text)
        if stated:
            return RuleCheck(
                rule.id,
                "value_changed",
                f"page {unit.page} now says '{unit.text}' (the rulebook has {_values(rule, list(rule.values))})",
                doc.cite(unit.text, unit.page),
                reworded=True,
                found=_found(stated),
            )
    return RuleCheck(rule.id, "missing", f"no sentence of '{doc.doc_name}' states it (cited: '{cited}')")


def _value_counts(rule: Rule, text: str) -> Counter[Decimal]:
    """How often `text` states each of the rule's values: a sentence that says 95% twice must still say it
    twice ('0.55% when the LTV exceeds 95% and 0.50% when the LTV is 95% or less')."""
    counts: Counter[Decimal] = Counter()
    for q in quantities(text):
        if any(same_quantity(q, v.number, v.unit) for v in rule.values.values()):
            counts[q.value.normalize()] += 1
    for v in rule.values.values():  # a value the cited text does not state (a drafted rule) is needed once
        counts[v.number.normalize()] = max(counts[v.number.normalize()], 1)
    return counts


def _states(rule: Rule, unit: Unit, needed: Counter[Decimal]) -> bool:
    """The sentence or row (read under its header) states every value of the rule, as often as needed."""
    read = f"{unit.context} {unit.text}" if unit.is_row else unit.text
    return not (needed - _value_counts_only(rule, read))


def _value_counts_only(rule: Rule, text: str) -> Counter[Decimal]:
    return Counter(
        q.value.normalize()
        for q in quantities(text)
        if any(same_quantity(q, v.number, v.unit) for v in rule.values.values())
    )


def _conflict(rule: Rule, cited: str, units: list[Unit]) -> Unit | None:
    """Another sentence of the document that says the same thing with other numbers."""
    if not rule.values:
        return None
    kinds = {v.unit for v in rule.values.values()}
    words, numbers = canonical_words(cited), _numbers(cited, kinds)
    for unit in units:
        if unit.text in cited or cited in unit.text:
            continue
        if not speaks_of(rule.kind, unit.text):
            continue
        other = _numbers(unit.text, kinds)
        if other and other != numbers and similarity(words, canonical_words(unit.text)) >= SAME_RULE_MIN:
            return unit
    return None


def _numbers(text: str, units: set[str]) -> frozenset[tuple[str, str]]:
    """The numbers a sentence states in the rule's units (a table header's year is not a conflicting limit)."""
    plain = bool(units & {"score", "count", "months", "years", "days", "units"})
    return frozenset(
        (format(q.value.normalize(), "f"), q.unit)
        for q in quantities(text)
        if q.unit in units or (plain and q.unit == "count")
    )


def _values(rule: Rule, names: list[str]) -> str:
    return ", ".join(f"{name} {format(rule.values[name].number, 'f')} {rule.values[name].unit}" for name in names)


def _stated(stated: list) -> str:
    return ", ".join(f"{format(q.value, 'f')} {q.unit}" for q in stated) or "no number"


def _found(stated: list) -> dict[str, str]:
    out: dict[str, str] = {}
    for q in stated:
        out.setdefault(q.unit, format(q.value, "f"))
    return out
