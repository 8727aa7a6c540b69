"""Policy rules whose thresholds are read from the policy TEXT, never written into code.

`extract(rule, passage)` matches a rule's regex against the whitespace-normalised passage and returns
the numbers with the sentence quoted in that normalised form; verify quotes with `quote_in_text`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError
from core.schemas import LoanApplication
from core.settings import PROJECT_ROOT
from rag.types import PROGRAMS

DEFAULT_RULES_PATH = PROJECT_ROOT / "seed_data" / "rules.json"

KINDS = frozenset({
    "min_credit_score", "max_dti", "max_dti_with_review", "compensating_factors", "dti_ineligible_above",
    "dti_review_above", "max_front_end", "max_ltv", "max_ltv_by_credit_score", "mi_required_above_ltv",
    "conforming_limit", "min_reserves_months", "primary_residence_only", "ineligible_occupancy",
    "mi_upfront_rate", "mi_annual_rate", "coe_required", "rural_purchase_only", "max_income_pct_ami",
    "max_loan_amount", "min_loan_amount_above_conforming", "qm_required", "prohibited_features",
    "max_term_months", "max_points_and_fees_pct", "notice_deadline_days", "max_adverse_reasons",
    "arm_qualifying_rate_add", "min_employment_years", "employment_ineligible", "prohibited_bases",
    # Form 1003 money (issue 9): debts, assets, funds to close, pricing, county limit, residual income, gifts
    "debt_installment_months", "debt_revolving_no_payment", "debt_deferred_student", "debt_paid_off", "asset_counting",
    "reserves_after_closing", "funds_to_close", "apr_apor_spread", "higher_priced_review", "county_loan_limit",
    "min_residual_income", "residual_income_review", "gift_donors", "gift_ineligible_occupancy", "gift_min_contribution",
    "reserves_other_properties", "va_funding_fee",
    # issue 9 part B: eligibility checks on existing fields (policy/checks/eligibility.py)
    "fixed_rate_above_ltv", "cltv_same_limits", "one_unit_only", "review_score_band", "review_above_ltv",
    "review_self_employed", "ineligible_purpose", "review_income_near_limit",
    # issue 20 item 8: engine defects (policy/checks/program.py, eligibility.py, agents/ratio.py)
    "first_time_homebuyer", "required_term_product", "mi_annual_schedule",
})
# Rule families of the fair lending policy's reason table (5.4); "none" = cannot be failed.
# `adverse_reason` is the Regulation B sample-notice wording that policy lists (5.3), or
# "Other, specify: ..." where none fits. Credit-score rules carry none on purpose: the policy forbids
# "credit score too low"; the notice gives the bureau's key factors, each with the standard reason
# that matches it, plus the FCRA credit-score disclosure (5.4, 5.5). Parameters no applicant can
# break (MI rates, notice deadlines) carry none either.
REASON_FAMILIES = frozenset({
    "dti", "housing_ratio", "ltv", "collateral", "credit_score", "program", "qm", "assets",
    "employment", "income", "none",
})

_WORD_NUMBERS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
# Pattern placeholders, expanded before compiling; every captured number is parsed to Decimal.
#   {pct:name}    45% / 96.5% / 0.55 percent -> 45 / 96.5 / 0.55 (percentage points); {pct} captures nothing
#   {money:name}  $832,750 / $3,000,000.00   -> 832750 / 3000000.00
#   {int:name}    620;  {count:name}  12 / twelve / four -> 12 / 12 / 4
# Patterns match text whose whitespace runs (PDF line breaks) are collapsed to one space, so a space
# in a pattern is one space. Hyphenated words are written `back- ?end`: a break after the hyphen
# leaves "back- end". The quote keeps that normalised form; whoever verifies it against a chunk
# must normalise the chunk the same way (`quote_in_text`).
_PLACEHOLDERS = {
    "pct": r"(?P<{g}>\d{{1,3}}(?:\.\d+)?) ?(?:%|percent)",
    "money": r"\$ ?(?P<{g}>(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d{{2}})?)",
    "int": r"(?P<{g}>\d+)",
    "count": r"(?P<{g}>\d+|" + "|".join(_WORD_NUMBERS) + ")",
}
_PLACEHOLDER = re.compile(r"\{(pct|money|int|count)(?::(\w+))?\}")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Rule:
    """One policy sentence to find and read. `applies_when`: application fields -> allowed values
    (all must match) saying which files the sentence speaks to; empty means every file of `program`."""

    id: str
    program: str  # a loan type, or "all"
    doc_id: str  # the policy document that states the rule
    kind: str
    label: str
    query: str
    pattern: str
    reason_family: str
    adverse_reason: str | None
    applies_when: dict[str, tuple[Any, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Threshold:
    """Numbers read from one passage, with the sentence they came from.

    `quote` is whitespace-normalised; `span` indexes the ORIGINAL passage, so
    `normalise_whitespace(passage[span[0]:span[1]]) == quote`.
    """

    rule_id: str
    values: dict[str, Decimal] = field(hash=False)  # group name -> number; empty for a rule without one
    quote: str
    span: tuple[int, int]

    @property
    def value(self) -> Decimal | None:
        """The group named "value", else the only group, else None."""
        if "value" in self.values:
            return self.values["value"]
        return next(iter(self.values.values())) if len(self.values) == 1 else None


def normalise_whitespace(text: str) -> str:
    """Every run of whitespace (line breaks included) as one space, trimmed."""
    return " ".join(_TOKEN.findall(text))


def quote_in_text(quote: str, text: str) -> bool:
    """Whether `quote` appears in `text` once both are whitespace-normalised."""
    needle = normalise_whitespace(quote)
    return bool(needle) and needle in normalise_whitespace(text)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The rule pattern with placeholders expanded, case-insensitive, never starting mid-word."""
    def expand(m: re.Match[str]) -> str:
        template = _PLACEHOLDERS[m.group(1)]
        if m.group(2) is None:
            return "(?:" + re.sub(r"\(\?P<\{g\}>", "(?:", template).replace("{{", "{").replace("}}", "}") + ")"
        return template.format(g=m.group(2))

    # (?<!\w): "A total DTI ..." must not start at the last letter of "USDA total DTI ..."
    return re.compile(r"(?<!\w)" + _PLACEHOLDER.sub(expand, pattern), re.IGNORECASE)


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of that character in `text`."""
    parts: list[str] = []
    offsets: list[int] = []
    for m in _TOKEN.finditer(text):
        if parts:
            parts.append(" ")
            offsets.append(offsets[-1] + 1)  # the first whitespace character after the previous token
        parts.append(m.group())
        offsets.extend(range(m.start(), m.end()))
    return "".join(parts), offsets


def _number(raw: str) -> Decimal:
    word = raw.lower()
    return Decimal(_WORD_NUMBERS[word]) if word in _WORD_NUMBERS else Decimal(raw.replace(",", ""))


def extract(rule: Rule, text: str) -> Threshold | None:
    """The rule's numbers and quoted sentence from the first match in `text`, or None."""
    normalised, offsets = _normalise_with_offsets(text)
    match = compile_pattern(rule.pattern).search(normalised)
    if match is None:
        return None
    values = {name: _number(raw) for name, raw in match.groupdict().items() if raw is not None}
    start, end = match.span()
    return Threshold(rule_id=rule.id, values=values, quote=match.group(0), span=(offsets[start], offsets[end - 1] + 1))


def rule_applies(rule: Rule, app: LoanApplication) -> bool:
    """Whether the sentence speaks to this application: its program and every `applies_when` field match."""
    if rule.program not in ("all", getattr(app, "loan_type", None)):
        return False
    return all(getattr(app, name) in allowed for name, allowed in rule.applies_when.items())


def load_rules(path: Path | str = DEFAULT_RULES_PATH) -> tuple[Rule, ...]:
    """Every rule in the file, checked; ConfigurationError names the first bad rule."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))["rules"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path}: cannot read rules ({type(exc).__name__}: {exc})") from exc
    rules = tuple(_rule(item, path) for item in raw)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigurationError(f"{path}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return rules


def _rule(item: dict[str, Any], path: Path | str) -> Rule:
    try:
        when = {k: tuple(v) for k, v in (item.get("applies_when") or {}).items()}
        rule = Rule(**{**item, "applies_when": when})
    except TypeError as exc:
        raise ConfigurationError(f"{path}: rule {item.get('id')!r}: {exc}") from exc
    problem = _problem(rule)
    if problem:
        raise ConfigurationError(f"{path}: rule {rule.id!r}: {problem}")
    return rule


def _problem(rule: Rule) -> str | None:
    if rule.program not in (*PROGRAMS, "all"):
        return f"unknown program {rule.program!r}"
    if rule.kind not in KINDS:
        return f"unknown kind {rule.kind!r}"
    if rule.reason_family not in REASON_FAMILIES:
        return f"unknown reason_family {rule.reason_family!r}"
    if (rule.reason_family in ("none", "credit_score")) != (rule.adverse_reason is None):
        return "adverse_reason must be null exactly when reason_family is 'none' or 'credit_score'"
    try:
        compile_pattern(rule.pattern)
    except re.error as exc:
        return f"pattern does not compile: {exc}"
    return None
