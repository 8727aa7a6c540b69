"""Check a whole rulebook and the requirement inventory against a whole corpus, before anything decides.

`check_policy` verifies every rule (`policy.verify`) and locates every inventory sentence in its document
(full text, no retrieval). The report says, per rule and per sentence, verified or why not; a policy is
publishable without a person's acceptance only when nothing is unverified.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.text import normalise
from policy.corpus import PolicyText
from policy.inventory.entries import Inventory
from policy.rules import Rule, load_rules
from policy.verify import RuleCheck, verify_rule


@dataclass(frozen=True)
class SentenceCheck:
    """One inventory entry: is its sentence in its document?"""

    id: str
    doc: str
    found: bool


@dataclass(frozen=True)
class CheckReport:
    rules: tuple[RuleCheck, ...]
    sentences: tuple[SentenceCheck, ...]
    documents: tuple[str, ...]

    @property
    def gaps(self) -> tuple[RuleCheck, ...]:
        return tuple(c for c in self.rules if not c.verified)

    @property
    def missing_sentences(self) -> tuple[SentenceCheck, ...]:
        return tuple(s for s in self.sentences if not s.found)

    @property
    def passed(self) -> bool:
        return not self.gaps and not self.missing_sentences

    def gap_ids(self) -> tuple[str, ...]:
        """What a publication would have to accept: each unverified rule's id and each missing inventory
        sentence's id ("conventional.min_credit_score", "conventional.016")."""
        return tuple(c.rule_id for c in self.gaps) + tuple(s.id for s in self.missing_sentences)

    def counts(self) -> dict[str, int]:
        return dict(Counter(c.status for c in self.rules))

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "documents": list(self.documents),
            "counts": self.counts(),
            "rules": [c.to_dict() for c in self.rules],
            "inventory": {
                "sentences": len(self.sentences),
                "missing": [{"id": s.id, "doc": s.doc} for s in self.missing_sentences],
            },
        }


NOT_STATED = "not_stated"


def check_policy(
    rules: tuple[Rule, ...], corpus: Mapping[str, PolicyText], inventory: Inventory | None = None
) -> CheckReport:
    """Every rule verified against its document's text; every rule the engine evaluates that the rulebook
    does not state reported (`not_stated`: published only if the approver accepts that the lender's policy
    has no such rule, and then not applied); every inventory sentence of a document in the corpus looked up
    (an inventory for documents the corpus does not hold is not this corpus's inventory)."""
    stated = {rule.id for rule in rules}
    checks = tuple(verify_rule(rule, corpus) for rule in rules) + tuple(
        RuleCheck(slot.id, NOT_STATED, f"the engine evaluates '{slot.label}' but this rulebook states no rule for it")
        for slot in load_rules()
        if slot.id not in stated
    )
    sentences: list[SentenceCheck] = []
    if inventory is not None:
        flat = {doc: normalise(text.text) for doc, text in corpus.items()}
        for req in inventory.requirements:
            if req.doc in flat:
                sentences.append(SentenceCheck(req.id, req.doc, normalise(req.sentence) in flat[req.doc]))
    return CheckReport(checks, tuple(sentences), tuple(sorted(corpus)))


def corpus_version_of(corpus: Mapping[str, PolicyText]) -> str:
    """16 hex characters over the document versions a policy is pinned to (their ids and content hashes)."""
    h = hashlib.sha256()
    for doc in sorted(corpus.values(), key=lambda d: d.document_id):
        h.update(f"{doc.document_id}:{doc.content_hash};".encode())
    return h.hexdigest()[:16]
