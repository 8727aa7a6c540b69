"""The rulebook: the rules the engine applies, as data a credit-policy person can read, diff and edit.

Each rule has its value(s) with their unit, the files it applies to (`conditions`) and its citation: the
document, page, section and the sentence or table row of the policy that states it. The value lives
here and is VERIFIED against the cited text of the policy version in force (`policy.verify`), never
extracted by one corpus's sentence pattern; `policy draft` proposes a rulebook from any lender's guide.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError
from core.schemas import LoanApplication
from core.settings import PROJECT_ROOT
from core.text import normalise
from rag.types import PROGRAMS

DEFAULT_RULES_PATH = PROJECT_ROOT / "seed_data" / "rulebook.json"
UNITS = ("percent", "usd", "months", "years", "days", "units", "score", "count")

KINDS = frozenset(
    {
        "min_credit_score",
        "max_dti",
        "max_dti_with_review",
        "compensating_factors",
        "dti_ineligible_above",
        "dti_review_above",
        "max_front_end",
        "max_ltv",
        "max_ltv_by_credit_score",
        "mi_required_above_ltv",
        "conforming_limit",
        "min_reserves_months",
        "primary_residence_only",
        "ineligible_occupancy",
        "mi_upfront_rate",
        "mi_annual_rate",
        "coe_required",
        "rural_purchase_only",
        "max_income_pct_ami",
        "max_loan_amount",
        "min_loan_amount_above_conforming",
        "qm_required",
        "prohibited_features",
        "max_term_months",
        "max_points_and_fees_pct",
        "notice_deadline_days",
        "max_adverse_reasons",
        "arm_qualifying_rate_add",
        "min_employment_years",
        "employment_ineligible",
        "prohibited_bases",
        # Form 1003 money (issue 9): debts, assets, funds to close, pricing, county limit, residual income, gifts
        "debt_installment_months",
        "debt_revolving_no_payment",
        "debt_deferred_student",
        "debt_paid_off",
        "asset_counting",
        "reserves_after_closing",
        "funds_to_close",
        "apr_apor_spread",
        "higher_priced_review",
        "county_loan_limit",
        "min_residual_income",
        "residual_income_review",
        "gift_donors",
        "gift_ineligible_occupancy",
        "gift_min_contribution",
        "reserves_other_properties",
        "va_funding_fee",
        # issue 9 part B: eligibility checks on existing fields (policy/checks/eligibility.py)
        "fixed_rate_above_ltv",
        "cltv_same_limits",
        "one_unit_only",
        "review_score_band",
        "review_above_ltv",
        "review_self_employed",
        "ineligible_purpose",
        "review_income_near_limit",
        # issue 20 item 8: engine defects (policy/checks/program.py, eligibility.py, agents/ratio.py)
        "first_time_homebuyer",
        "required_term_product",
        "mi_annual_schedule",
        "debt_subordinate_payment",
    }
)
# Rule families of the fair lending policy's reason table (5.4); "none" = cannot be failed.
# `adverse_reason` is the Regulation B sample-notice wording that policy lists (5.3), or
# "Other, specify: ..." where none fits. Credit-score rules carry none on purpose: the policy forbids
# "credit score too low"; the notice gives the bureau's key factors, each with the standard reason
# that matches it, plus the FCRA credit-score disclosure (5.4, 5.5). Parameters no applicant can
# break (MI rates, notice deadlines) carry none either.
REASON_FAMILIES = frozenset(
    {
        "dti",
        "housing_ratio",
        "ltv",
        "collateral",
        "credit_score",
        "program",
        "qm",
        "assets",
        "employment",
        "income",
        "none",
    }
)


@dataclass(frozen=True)
class Value:
    """A number the policy states, in its unit (percent points for a percent: 45 means 45%)."""

    number: Decimal
    unit: str


@dataclass(frozen=True)
class RuleCitation:
    """Where the policy states the rule: a document (file stem), 1-based page, section, and the sentence
    or table row, whitespace-normalised."""

    document: str
    sentence: str
    page: int | None = None
    section: str | None = None


@dataclass(frozen=True)
class Rule:
    """One rule of the rulebook. `applies_when` (the file's `conditions`): application fields -> allowed
    values (all must match) saying which files the rule speaks to; empty means every file of `program`."""

    id: str
    program: str  # a loan type, or "all"
    doc_id: str  # the policy document that states the rule (the citation's document)
    kind: str
    label: str
    query: str  # what the retrieval trace shown to an auditor searches for
    reason_family: str
    adverse_reason: str | None
    values: dict[str, Value] = field(default_factory=dict, hash=False)
    citation: RuleCitation | None = field(default=None, hash=False)
    applies_when: dict[str, tuple[Any, ...]] = field(default_factory=dict, hash=False)
    confidence: float | None = None
    source: str | None = None  # how a drafted rule was proposed: "grammar" or "llm" (policy.draft_llm)


@dataclass(frozen=True)
class Threshold:
    """The rule's numbers with the policy sentence that states them (`quote`, normalised), as verified."""

    rule_id: str
    values: dict[str, Decimal] = field(hash=False)  # value name -> number; empty for a rule without one
    quote: str
    span: tuple[int, int] = (0, 0)

    @property
    def value(self) -> Decimal | None:
        """The number named "value", else the only number, else None."""
        if "value" in self.values:
            return self.values["value"]
        return next(iter(self.values.values())) if len(self.values) == 1 else None


def quote_in_text(quote: str, text: str) -> bool:
    """Whether `quote` appears in `text` once both are whitespace-normalised."""
    needle = normalise(quote)
    return bool(needle) and needle in normalise(text)


def rule_applies(rule: Rule, app: LoanApplication) -> bool:
    """Whether the sentence speaks to this application: its program and every `applies_when` field match."""
    if rule.program not in ("all", getattr(app, "loan_type", None)):
        return False
    return all(getattr(app, name) in allowed for name, allowed in rule.applies_when.items())


def load_rules(path: Path | str = DEFAULT_RULES_PATH) -> tuple[Rule, ...]:
    """Every rule of the rulebook, checked; ConfigurationError names the first bad rule."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))["rules"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path}: cannot read the rulebook ({type(exc).__name__}: {exc})") from exc
    return rules_from_data(raw, source=str(path))


def rules_from_data(raw: list[dict[str, Any]], *, source: str = "rulebook") -> tuple[Rule, ...]:
    """Rules from the rulebook's JSON list (a file, or a publication stored in the database)."""
    if not isinstance(raw, list):
        raise ConfigurationError(f"{source}: 'rules' must be a list")
    rules = tuple(_rule(item, source) for item in raw)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigurationError(f"{source}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return rules


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """The rule as the rulebook file writes it (the inverse of `rules_from_data`)."""
    c = rule.citation
    out: dict[str, Any] = {
        "id": rule.id,
        "program": rule.program,
        "kind": rule.kind,
        "label": rule.label,
        "values": {k: {"number": _plain(v.number), "unit": v.unit} for k, v in rule.values.items()},
        "conditions": {k: list(v) for k, v in rule.applies_when.items()},
        "citation": {
            "document": rule.doc_id,
            "page": c.page if c else None,
            "section": c.section if c else None,
            "sentence": c.sentence if c else "",
        },
        "reason_family": rule.reason_family,
        "adverse_reason": rule.adverse_reason,
        "query": rule.query,
    }
    if rule.confidence is not None:
        out["confidence"] = rule.confidence
    if rule.source is not None:
        out["source"] = rule.source
    return out


def dump_rulebook(rules: tuple[Rule, ...] | list[Rule], *, name: str, about: str = "") -> str:
    """The rulebook file's text: stable key order, one rule per block, so a diff reads like a policy diff."""
    body = {"about": about or ABOUT, "name": name, "rules": [rule_to_data(r) for r in rules]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def rulebook_hash(rules: tuple[Rule, ...] | list[Rule]) -> str:
    """16 hex characters over the rules' content (not the file's formatting or its `about`)."""
    data = json.dumps([rule_to_data(r) for r in rules], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


ABOUT = (
    "The rules the offline engine applies: per rule its value(s) with unit, the files it applies to "
    "(conditions: application field -> allowed values) and its citation (document file stem, 1-based page, "
    "section, the sentence or table row). Values are verified against the cited text of the policy version "
    "in force by `python -m policy check`; `python -m policy publish` makes a rulebook the one decisions use. "
    "`adverse_reason` is the Regulation B sample-notice wording; null for a credit score and for parameters "
    "no applicant can break."
)


def _plain(number: Decimal) -> str:
    return format(number, "f")


def _rule(item: dict[str, Any], source: str) -> Rule:
    try:
        when = {k: tuple(v) for k, v in (item.get("conditions") or item.get("applies_when") or {}).items()}
        values = {
            name: Value(Decimal(str(v["number"])), str(v["unit"])) for name, v in (item.get("values") or {}).items()
        }
        cited = item.get("citation") or {}
        citation = RuleCitation(
            document=str(cited.get("document") or item.get("doc_id") or ""),
            sentence=normalise(str(cited.get("sentence") or "")),
            page=cited.get("page"),
            section=cited.get("section"),
        )
        rule = Rule(
            id=item["id"],
            program=item["program"],
            doc_id=citation.document,
            kind=item["kind"],
            label=item["label"],
            query=item.get("query") or item["label"],
            reason_family=item["reason_family"],
            adverse_reason=item.get("adverse_reason"),
            values=values,
            citation=citation,
            applies_when=when,
            confidence=item.get("confidence"),
            source=item.get("source"),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ConfigurationError(
            f"{source}: rule {item.get('id') if isinstance(item, dict) else item!r}: {type(exc).__name__}: {exc}"
        ) from exc
    problem = _problem(rule)
    if problem:
        raise ConfigurationError(f"{source}: rule {rule.id!r}: {problem}")
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
    bad_unit = next((v.unit for v in rule.values.values() if v.unit not in UNITS), None)
    if bad_unit:
        return f"unknown unit {bad_unit!r} (one of {', '.join(UNITS)})"
    if not rule.doc_id or rule.citation is None or not rule.citation.sentence:
        return "a rule must cite the document and the sentence or table row that states it"
    return None
