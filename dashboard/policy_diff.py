"""What changes between two rulebooks, and between two stored versions of a policy document.

Rulebooks: values changed, rules added or removed, citations or conditions changed. Documents: the
obligation sentences (policy.sentences) added, removed or changed between the newest two stored versions
of each document that has more than one; a removed and an added sentence that read mostly alike are one
changed sentence.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PolicyDocument
from policy.corpus import load_corpus
from policy.rules import Rule, RuleCitation
from policy.sentences import obligation_sentences

ALIKE = 0.75  # difflib ratio above which a removed and an added sentence are one changed sentence


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    change: str  # value changed | added | removed | citation changed | conditions changed
    before: str
    after: str


def values_text(rule: Rule) -> str:
    """ "620 score" for a rule's one value; "name 3 months, ..." when it has several."""
    if set(rule.values) == {"value"}:
        return f"{_number(rule.values['value'].number)} {rule.values['value'].unit}"
    return ", ".join(f"{name} {_number(v.number)} {v.unit}" for name, v in sorted(rule.values.items())) or "-"


def citation_text(citation: RuleCitation | None) -> str:
    if citation is None:
        return "-"
    where = ", ".join(
        x for x in (citation.document, f"p. {citation.page}" if citation.page else "", citation.section or "") if x
    )
    return f"{where}: {citation.sentence}"


def _number(n) -> str:
    text = format(n, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rulebook_diff(published: tuple[Rule, ...], candidate: tuple[Rule, ...]) -> list[RuleChange]:
    """Every difference a credit-policy person reviews before publishing, in rule order."""
    old, new = {r.id: r for r in published}, {r.id: r for r in candidate}
    changes: list[RuleChange] = []
    for rule_id, rule in new.items():
        was = old.get(rule_id)
        if was is None:
            changes.append(RuleChange(rule_id, "added", "-", values_text(rule)))
            continue
        if values_text(was) != values_text(rule):
            changes.append(RuleChange(rule_id, "value changed", values_text(was), values_text(rule)))
        if citation_text(was.citation) != citation_text(rule.citation):
            changes.append(
                RuleChange(rule_id, "citation changed", citation_text(was.citation), citation_text(rule.citation))
            )
        if was.applies_when != rule.applies_when:
            changes.append(
                RuleChange(rule_id, "conditions changed", str(dict(was.applies_when)), str(dict(rule.applies_when)))
            )
    changes += [
        RuleChange(rule_id, "removed", values_text(rule), "-") for rule_id, rule in old.items() if rule_id not in new
    ]
    return changes


@dataclass(frozen=True)
class SentenceChange:
    change: str  # added | removed | changed
    before: str
    after: str


@dataclass(frozen=True)
class DocumentDiff:
    document: str
    old_version: str | None
    new_version: str | None
    changes: tuple[SentenceChange, ...]


def sentence_diff(old: list[str], new: list[str]) -> list[SentenceChange]:
    """Obligation sentences added, removed and changed (a removed one paired with its closest added one)."""
    removed = [s for s in old if s not in set(new)]
    added = [s for s in new if s not in set(old)]
    changes: list[SentenceChange] = []
    for gone in removed:
        best = max(added, key=lambda s: difflib.SequenceMatcher(None, gone, s).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(None, gone, best).ratio() >= ALIKE:
            added.remove(best)
            changes.append(SentenceChange("changed", gone, best))
        else:
            changes.append(SentenceChange("removed", gone, ""))
    return changes + [SentenceChange("added", "", s) for s in added]


def version_pairs(*, session: Session) -> list[tuple[str, int, int]]:
    """(document, previous version's id, newest version's id) for each document stored in more than one version."""
    rows = session.execute(
        select(PolicyDocument.doc_key, PolicyDocument.id, PolicyDocument.file_name).order_by(PolicyDocument.id)
    ).all()
    by_key: dict[str, list[tuple[int, str]]] = {}
    for key, doc_id, file_name in rows:
        by_key.setdefault(key, []).append((doc_id, Path(file_name).stem))
    return [(versions[-1][1], versions[-2][0], versions[-1][0]) for versions in by_key.values() if len(versions) > 1]


def document_diffs(*, session: Session) -> list[DocumentDiff]:
    """The obligation-sentence diff between the newest two versions of every document that has two."""
    out = []
    for document, old_id, new_id in version_pairs(session=session):
        # one version at a time: the corpus is keyed by file stem, which both versions share
        old, new = (next(iter(load_corpus(session=session, document_ids=(i,)).values())) for i in (old_id, new_id))
        changes = sentence_diff(obligation_sentences(old.text), obligation_sentences(new.text))
        out.append(DocumentDiff(document, old.version, new.version, tuple(changes)))
    return out
