"""What drives a flagged group's lower approval rate: its non-approvals' principal reasons beside the
reference group's, and the HMDA mapping assumptions that feed each reason.

The reference group is the one the adverse impact ratio divides by (the most favoured group large enough to
compare). A reason's share is the fraction of a group's non-approvals that cite it. For a HMDA batch each
reason is tied to the stated assumptions of seed_data/hmda/mapping.json that produce the figure the rule
reads (e.g. a DTI reason to the DTI band midpoints and the assumed housing payment), so a compliance officer
can tell whether the engine's policy or a mapping assumption moves the outcome.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agents.fairness import APPROVALS, NOT_A_GROUP, GroupRate

TOP_REASONS = 5
NO_REASON = "(no principal reason stated)"


@dataclass(frozen=True)
class ReasonShare:
    reason: str
    group_share: float  # of the flagged group's non-approvals citing it
    reference_share: float  # of the reference group's non-approvals citing it
    rule_ids: tuple[str, ...]
    assumptions: tuple[str, ...]  # mapping assumptions behind the figure the rule reads (HMDA batches)


@dataclass(frozen=True)
class GroupDrivers:
    attribute: str
    group: str
    reference: str
    group_not_approved: int
    reference_not_approved: int
    reasons: tuple[ReasonShare, ...]


def flagged_drivers(
    results: Iterable[dict[str, Any]],
    rows: list[GroupRate],
    *,
    mapping: dict[str, Any] | None = None,
    top: int = TOP_REASONS,
) -> list[GroupDrivers]:
    """For each group the engine's four-fifths screen flags, its principal reasons beside the reference
    group's. `mapping`: the HMDA mapping when the batch came from a HMDA file (assumptions named per reason)."""
    decided = [r for r in results if r.get("status") == "completed"]
    out = []
    for row in (r for r in rows if r.engine_flag):
        reference = _reference(rows, row.attribute)
        if reference is None:
            continue
        mine, theirs = (_not_approved(decided, row.attribute, g) for g in (row.group, reference))
        out.append(
            GroupDrivers(
                row.attribute, row.group, reference, len(mine), len(theirs), _shares(mine, theirs, mapping, top)
            )
        )
    return out


def _reference(rows: list[GroupRate], attribute: str) -> str | None:
    """The most favoured group the AIR divides by (AIR 1.0 among groups large enough to compare)."""
    eligible = [r for r in rows if r.attribute == attribute and r.screen == "compared" and r.group not in NOT_A_GROUP]
    return max(eligible, key=lambda r: r.engine_rate).group if eligible else None


def _not_approved(decided: list[dict[str, Any]], attribute: str, group: str) -> list[dict[str, Any]]:
    return [
        r
        for r in decided
        if str(r.get(f"monitoring.{attribute}") or "Not provided") == group and r.get("recommendation") not in APPROVALS
    ]


def _reasons_of(row: dict[str, Any]) -> dict[str, str]:
    """reason text -> rule id, one entry per distinct reason of a run."""
    reasons = {str(r.get("reason")): str(r.get("rule_id") or "") for r in row.get("reasons") or [] if r.get("reason")}
    return reasons or {NO_REASON: ""}


def _shares(
    mine: list[dict[str, Any]], theirs: list[dict[str, Any]], mapping: dict[str, Any] | None, top: int
) -> tuple[ReasonShare, ...]:
    counts_mine, counts_theirs, rule_ids = Counter(), Counter(), {}
    for rows, counts in ((mine, counts_mine), (theirs, counts_theirs)):
        for row in rows:
            for reason, rule_id in _reasons_of(row).items():
                counts[reason] += 1
                rule_ids.setdefault(reason, set()).add(rule_id)
    ranked = sorted(set(counts_mine) | set(counts_theirs), key=lambda k: (-counts_mine[k], -counts_theirs[k], k))
    return tuple(
        ReasonShare(
            reason,
            _share(counts_mine[reason], len(mine)),
            _share(counts_theirs[reason], len(theirs)),
            tuple(sorted(i for i in rule_ids[reason] if i)),
            assumptions_for(rule_ids[reason], mapping) if mapping else (),
        )
        for reason in ranked[:top]
    )


def _share(count: int, total: int) -> float:
    return round(count / total, 3) if total else 0.0


def assumptions_for(rule_ids: Iterable[str], mapping: dict[str, Any]) -> tuple[str, ...]:
    """The mapping assumptions behind the figures these rules read, in words, values from the mapping file."""
    # the rule's own name, not its program or namespace ("atr_qm.dti_review_above" reads the DTI, not the pricing)
    names = [rule_id.rpartition(".")[2] for rule_id in rule_ids]
    named = {name for rule in names for keys, name in _RULE_FIGURES if any(k in rule for k in keys)}
    texts = mapping_assumptions(mapping)
    return tuple(texts[name] for name in texts if name in named)


_RULE_FIGURES = (  # (substrings of a rule id, the application figure it reads)
    (("dti", "front_end", "residual_income", "income"), "debts"),
    (("dti", "front_end", "residual_income", "income"), "income"),
    (("ltv", "mi_required", "pmi"), "value"),
    (("reserves", "funds_to_close", "asset", "gift"), "assets"),
    (("credit_score", "score"), "credit"),
    (("qm", "spread", "higher_priced", "points_and_fees", "apr"), "pricing"),
    (("conforming", "loan_limit", "max_loan", "min_loan", "jumbo"), "program"),
    (("investment", "second_home", "primary_residence", "occupancy"), "occupancy"),
    (("cash_out", "purchase_only", "eligible_purchase"), "purpose"),
    (("employment", "unemployed", "self_employed"), "employment"),
)


def mapping_assumptions(mapping: dict[str, Any]) -> dict[str, str]:
    """Every stated HMDA mapping assumption, by the application figure it produces."""
    a, bands = mapping["assumptions"], mapping["dti_band_midpoints"]
    housing = (
        f"the assumed housing payment ({a['interest_rate']}% fixed, {a['term_months']} months; property tax "
        f"{a['annual_property_tax_pct_of_value']}% and insurance {a['annual_insurance_pct_of_value']}% "
        "of value a year)"
    )
    return {
        "debts": (
            "Monthly debts = HMDA debt_to_income_ratio x income - " + housing + "; a DTI band is read at its "
            "midpoint (" + ", ".join(f"{k} as {v}%" for k, v in bands.items()) + ")"
        ),
        "income": "Monthly income = HMDA income (thousands a year) / 12",
        "value": "Property value = HMDA property_value, or loan amount / loan_to_value_ratio when it is missing",
        "assets": (
            f"Liquid assets = the down payment + closing costs ({a['closing_costs_pct_of_loan']}% of the loan) "
            f"+ {a['reserves_months_of_housing_payment']} months of " + housing + ", for every row"
        ),
        "credit": f"Credit score {a['credit_score']} for every row (HMDA carries none)",
        "pricing": (
            f"APR = note rate {a['interest_rate']}% + {a['apr_above_note_rate']}, APOR {a['apor']}%; "
            f"points and fees {a['points_and_fees_pct_of_loan']}% of the loan"
        ),
        "program": (
            f"Program: jumbo above ${int(a['jumbo_above_loan_amount']):,}, conventional below "
            "(HMDA's loan type is not in the sample)"
        ),
        "occupancy": "Occupancy = HMDA occupancy_type ("
        + ", ".join(f"{k} {v.replace('_', ' ')}" for k, v in mapping["occupancy_type"].items())
        + ")",
        "purpose": "Loan purpose = HMDA loan_purpose ("
        + ", ".join(f"{k} {v.replace('_', ' ')}" for k, v in mapping["loan_purpose"].items())
        + ")",
        "employment": (
            f"Employment: {a['employment_status']} {a['employment_years']} years for every row (HMDA carries none)"
        ),
    }
