"""Evidence for a rule: its value from the published rulebook, its citation where that value was verified
against the policy text, and the retrieval trace an auditor inspects.

A rule's value never comes from a search: it is the rulebook's, verified against the full text of the
pinned document versions when the rulebook was published (`policy.publication`). A rule that was not
verified (a gap the approver accepted), a rule the rulebook lacks, or no published rulebook at all gives
no evidence: the finding is UNVERIFIED and the file is referred (fail closed).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from policy.publication import NO_RULEBOOK, PublishedPolicy, get, latest_id
from policy.rules import Rule, Threshold, load_rules
from policy.types import CitedQuote
from rag.retrieval.pipeline import Retriever
from rag.retrieval.types import Filters

SCAN_DEPTH = 8  # passages the auditor's retrieval trace lists for a rule's query, best first


@dataclass(frozen=True)
class Evidence:
    rule: Rule
    threshold: Threshold | None
    citation: CitedQuote | None
    trace: dict[str, Any]  # the retrieval trace for the rule's query, and why the rule is unverified if it is

    @property
    def found(self) -> bool:
        return self.threshold is not None

    def value(self, name: str = "value"):
        """A number of the rule (Decimal); KeyError if the rule has no number of that name."""
        if self.threshold is None:
            raise LookupError(f"{self.rule.id}: passage not found")
        return self.threshold.value if name == "value" else self.threshold.values[name]


class EvidenceResolver:
    """Resolves rule ids to evidence under one publication: the one a run pinned, the `pinned` one given
    (a candidate under impact analysis, a replay), or the newest. Cached per publication."""

    def __init__(self, retriever: Retriever, *, session_factory: Any = None, pinned: PublishedPolicy | None = None):
        self.retriever = retriever
        self.sessions = session_factory if session_factory is not None else getattr(retriever, "_session_factory", None)
        self.pinned = pinned
        # the engine's slots: every rule id the checks can ask for, with its label for an UNVERIFIED message
        self.slots = {r.id: r for r in load_rules()}
        self._cache: dict[tuple[str, int | None], Evidence] = {}
        self._publications: dict[int, PublishedPolicy | None] = {}
        self._lock = threading.Lock()

    def current_id(self) -> int | None:
        """The publication a new run decides under."""
        if self.pinned is not None:
            return self.pinned.id
        if self.sessions is None:
            return None
        with self.sessions() as session:
            return latest_id(session=session)

    def publication(self, publication_id: int | None) -> PublishedPolicy | None:
        if self.pinned is not None and publication_id in (None, self.pinned.id):
            return self.pinned
        if publication_id is None:
            publication_id = self.current_id()
            if publication_id is None:
                return None
        with self._lock:
            if publication_id in self._publications:
                return self._publications[publication_id]
        found = None
        if self.sessions is not None:
            with self.sessions() as session:
                found = get(publication_id, session=session)
        with self._lock:
            self._publications[publication_id] = found
        return found

    def rules_of(self, publication_id: int | None) -> dict[str, Rule]:
        """The rules a run evaluates: the publication's, else the engine's slots (each then unverified)."""
        pub = self.publication(publication_id)
        return {r.id: r for r in pub.rules} if pub is not None else dict(self.slots)

    def resolve(self, rule_id: str, *, publication: int | None) -> Evidence:
        pub = self.publication(publication)
        key = (rule_id, pub.id if pub is not None else None)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        evidence = self._evidence(rule_id, pub)
        with self._lock:
            self._cache[key] = evidence
        return evidence

    def _evidence(self, rule_id: str, pub: PublishedPolicy | None) -> Evidence:
        if pub is None:
            return Evidence(self._slot(rule_id), None, None, {"unverified": NO_RULEBOOK, "no_rulebook": True})
        rule = pub.rule(rule_id)
        if rule is None:
            omitted = pub.checks.get(rule_id, {})
            if omitted.get("status") == "not_stated" and pub.accept_reason:
                # the approver accepted, at publication, that this lender's policy has no such rule
                return Evidence(
                    self._slot(rule_id),
                    None,
                    None,
                    {
                        "not_in_policy": (
                            f"the published policy (publication {pub.id}, {pub.approver}) states no such rule: "
                            f"{pub.accept_reason}"
                        )
                    },
                )
            return Evidence(
                self._slot(rule_id),
                None,
                None,
                {"unverified": "is not in the published rulebook (no rule for it was published)"},
            )
        trace = self._trace(rule)
        gap = pub.gap(rule_id)
        citation = pub.citation(rule_id)
        if gap is not None or citation is None:
            return Evidence(
                rule,
                None,
                None,
                {
                    **trace,
                    "unverified": f"was not verified against the policy text "
                    f"when the rulebook was published ({gap or 'no citation'})",
                },
            )
        values = {name: v.number for name, v in rule.values.items()}
        threshold = Threshold(rule_id=rule.id, values=values, quote=citation.quote)
        return Evidence(
            rule, threshold, citation, {**trace, "publication": pub.id, "policy_version": pub.policy_version}
        )

    def _slot(self, rule_id: str) -> Rule:
        slot = self.slots.get(rule_id)
        if slot is None:
            raise KeyError(f"no rule slot {rule_id!r} in the engine's rulebook")
        return slot

    def _trace(self, rule: Rule) -> dict[str, Any]:
        """The retrieval trace for the rule's query (what an auditor sees searched), with the cited chunk's rank."""
        if self.retriever is None:
            return {}
        filters = Filters(programs=(rule.program,)) if rule.program != "all" else None
        return self.retriever.retrieve(rule.query, filters, k=SCAN_DEPTH).trace.to_dict()
