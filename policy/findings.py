"""Small helpers shared by the agents: resolving evidence and turning it into findings."""

from __future__ import annotations

from decimal import Decimal

from policy.evidence import Evidence, EvidenceResolver
from policy.rules import Rule
from policy.types import Finding, FindingStatus


class Evidences:
    """The evidence one agent looked up during a run, by rule id, in lookup order."""

    def __init__(self, resolver: EvidenceResolver, publication: int | None):
        self._resolver = resolver
        self._publication = publication
        self.used: dict[str, Evidence] = {}

    @property
    def rules(self) -> dict[str, Rule]:
        """The rules this run evaluates (its publication's)."""
        return self._resolver.rules_of(self._publication)

    def get(self, rule_id: str) -> Evidence:
        if rule_id not in self.used:
            self.used[rule_id] = self._resolver.resolve(rule_id, publication=self._publication)
        return self.used[rule_id]

    def all(self) -> list[Evidence]:
        return list(self.used.values())


def pct(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value.normalize():f}%"


def money(value: Decimal) -> str:
    return f"${value:,.2f}" if value != value.to_integral() else f"${value:,.0f}"


def finding(
    ev: Evidence,
    status: FindingStatus,
    message: str,
    *,
    threshold: str | None = None,
    actual: str | None = None,
    remedy: str | None = None,
) -> Finding:
    """A finding about `ev.rule`, cited to the passage that states it (UNVERIFIED if none was found)."""
    if not ev.found:
        return unverified(ev)
    return Finding(
        rule_id=ev.rule.id,
        label=ev.rule.label,
        status=status,
        message=message,
        threshold=threshold,
        actual=actual,
        citation=ev.citation,
        remedy=remedy,
        adverse_reason=ev.rule.adverse_reason if status in ("FAIL", "REVIEW") else None,
    )


def not_given(ev: Evidence, what: str, message: str) -> Finding:
    """REVIEW: the rule cannot be tested because the file lacks `what`. Its reason names what is missing,
    never the reason of a failed test ("... exceeds the program limit" when the figure was not given)."""
    if not ev.found:
        return unverified(ev)
    return finding(ev, "REVIEW", message).model_copy(
        update={"adverse_reason": f"{what[:1].upper()}{what[1:]} not given"}
    )


def unverified(ev: Evidence) -> Finding:
    """The finding for a rule without evidence: UNVERIFIED (a person reviews the file), or INFO for a rule the
    approver accepted, at publication, that the lender's policy does not have (it is then not applied)."""
    omitted = (ev.trace or {}).get("not_in_policy")
    if omitted:
        return Finding(
            rule_id=ev.rule.id,
            label=ev.rule.label,
            status="INFO",
            message=f"'{ev.rule.label}' is not applied: {omitted}.",
        )
    why = (ev.trace or {}).get("unverified") or "was not found in the retrieved text"
    return Finding(
        rule_id=ev.rule.id,
        label=ev.rule.label,
        status="UNVERIFIED",
        message=f"The policy passage stating '{ev.rule.label}' {why}; "
        "the rule cannot be applied, so a person must review the file.",
    )


def worst(findings: list[Finding] | tuple[Finding, ...]) -> FindingStatus:
    order = ["PASS", "INFO", "CONDITION", "WARN", "REVIEW", "FAIL", "UNVERIFIED"]
    return max((f.status for f in findings), key=order.index, default="PASS")
