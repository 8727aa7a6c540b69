"""Publishing a rulebook: the one decisions use, made so by a named person, pinned to document versions.

`publish` checks the rulebook against the whole current corpus and stores it only when every rule and
inventory sentence is verified, or when the approver accepts the listed gaps (their reason is recorded);
either way an audit record says who published what, when, and what was accepted. Ingesting a new version
of a document changes nothing for decisions: they keep the published rulebook and its pinned document
versions until the next publish. Our own corpus's rulebook is published at first start when its check
passes (`ensure_first_start`), recorded as such.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from core import audit
from core.errors import LoanGraphError
from core.models import PolicyPublication
from policy.check import CheckReport, check_policy, corpus_version_of
from policy.corpus import load_corpus
from policy.inventory.entries import load_inventory
from policy.rules import DEFAULT_RULES_PATH, Rule, load_rules, rule_to_data, rulebook_hash, rules_from_data
from policy.types import CitedQuote
from policy.version import policy_version

log = logging.getLogger(__name__)

NO_RULEBOOK = "no published rulebook for this policy"
FIRST_START = "LoanGraph first start (seed rulebook, check passed)"
SEED_NAME = "LoanGraph seed policies (our own corpus)"
_FIRST_START_LOCK = 0x504F4C49  # "POLI": one process publishes the seed rulebook


class PublishRefused(LoanGraphError):
    """The rulebook does not verify against the corpus and the approver accepted no gaps, or not these."""

    def __init__(self, report: CheckReport, *, not_accepted: tuple[str, ...] = ()):
        self.report, self.not_accepted = report, not_accepted
        if not_accepted:
            super().__init__(
                f"{len(not_accepted)} item(s) not verified that the approver did not accept "
                f"({', '.join(not_accepted[:8])}{' ...' if len(not_accepted) > 8 else ''}): the corpus or the "
                "rulebook changed since they were reviewed; check again and accept them by name, or fix the rulebook"
            )
            return
        gaps = [f"{c.rule_id}: {c.status}" for c in report.gaps]
        gaps += [f"inventory {s.id}: sentence missing" for s in report.missing_sentences]
        super().__init__(
            f"{len(gaps)} item(s) not verified ({'; '.join(gaps[:5])}{' ...' if len(gaps) > 5 else ''}); "
            "fix the rulebook, or publish with --accept-gaps REASON"
        )


@dataclass(frozen=True)
class PublishedPolicy:
    """A publication as decisions read it."""

    id: int
    name: str
    approver: str
    how: str
    published_at: datetime | None
    rules: tuple[Rule, ...]
    rulebook_hash: str
    document_ids: tuple[int, ...]
    corpus_version: str
    policy_version: str
    checks: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    accepted_gaps: tuple[dict[str, Any], ...] = ()
    accept_reason: str | None = None

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def citation(self, rule_id: str) -> CitedQuote | None:
        """Where the rule was verified when it was published (None if it was not)."""
        check = self.checks.get(rule_id) or {}
        if check.get("status") != "verified" or not check.get("citation"):
            return None
        return CitedQuote.model_validate(check["citation"])

    def gap(self, rule_id: str) -> str | None:
        """Why a rule was not verified at publication (its gap was accepted), or None."""
        check = self.checks.get(rule_id)
        if check is None:
            return "was not checked when the rulebook was published"
        return None if check.get("status") == "verified" else f"{check.get('status')}: {check.get('detail')}"


def _from_row(row: PolicyPublication) -> PublishedPolicy:
    return PublishedPolicy(
        id=row.id,
        name=row.name,
        approver=row.approver,
        how=row.how,
        published_at=row.published_at,
        rules=rules_from_data(row.rulebook, source=f"publication {row.id}"),
        rulebook_hash=row.rulebook_hash,
        document_ids=tuple(row.document_ids),
        corpus_version=row.corpus_version,
        policy_version=row.policy_version,
        checks={c["rule_id"]: c for c in (row.checks or {}).get("rules", [])},
        accepted_gaps=tuple(row.accepted_gaps or ()),
        accept_reason=row.accept_reason,
    )


def latest(*, session: Session) -> PublishedPolicy | None:
    """The publication decisions use now: the newest."""
    row = session.scalars(select(PolicyPublication).order_by(PolicyPublication.id.desc()).limit(1)).first()
    return _from_row(row) if row else None


def latest_id(*, session: Session) -> int | None:
    return session.scalar(select(PolicyPublication.id).order_by(PolicyPublication.id.desc()).limit(1))


def get(publication_id: int, *, session: Session) -> PublishedPolicy | None:
    row = session.get(PolicyPublication, publication_id)
    return _from_row(row) if row else None


def history(*, session: Session, limit: int = 50) -> list[PublishedPolicy]:
    rows = session.scalars(select(PolicyPublication).order_by(PolicyPublication.id.desc()).limit(limit)).all()
    return [_from_row(r) for r in rows]


def check_current(rules: tuple[Rule, ...], *, session: Session) -> CheckReport:
    """The rulebook checked against the current version of every document, and the inventory with it."""
    return check_policy(rules, load_corpus(session=session), load_inventory())


def publish(
    rules: tuple[Rule, ...],
    *,
    session: Session,
    approver: str,
    name: str,
    accept_gaps: str | None = None,
    accepted: Collection[str] | None = None,
    how: str = "published",
) -> tuple[PublishedPolicy, CheckReport]:
    """Make `rules` the rulebook decisions use, pinned to the current document versions; the caller commits.

    Raises PublishRefused when the check finds gaps and `accept_gaps` gives no reason, or when `accepted`
    (the rule and inventory ids the approver accepts by name, as reviewed) leaves out a gap this check finds:
    a gap that appeared after the review is never published under a reason written for others."""
    approver = (approver or "").strip()
    if not approver:
        raise LoanGraphError("a publication needs the approver's name")
    corpus = load_corpus(session=session)
    if not corpus:
        raise LoanGraphError("no policy documents are ingested: ingest the guide first (python -m rag.ingest DIR)")
    report = check_policy(rules, corpus, load_inventory())
    reason = (accept_gaps or "").strip() or None
    if not report.passed and reason is None:
        raise PublishRefused(report)
    if accepted is not None:
        known = {r.id for r in rules} | {s.id for s in report.sentences} | set(report.gap_ids())
        unknown = sorted(set(accepted) - known)  # gap_ids: an engine slot the rulebook states no rule for
        if unknown:  # a typo would otherwise read as accepted; an id that verifies now is simply not needed
            raise LoanGraphError(f"no rule or inventory sentence has the id: {', '.join(unknown)}")
        not_accepted = tuple(g for g in report.gap_ids() if g not in set(accepted))
        if not_accepted:
            raise PublishRefused(report, not_accepted=not_accepted)
    corpus_version = corpus_version_of(corpus)
    book_hash = rulebook_hash(rules)
    gaps = [c.to_dict() for c in report.gaps] + [
        {"inventory": s.id, "doc": s.doc, "status": "missing"} for s in report.missing_sentences
    ]
    row = PolicyPublication(
        approver=approver,
        how=how,
        name=name,
        rulebook=[rule_to_data(r) for r in rules],
        rulebook_hash=book_hash,
        document_ids=sorted(d.document_id for d in corpus.values()),
        corpus_version=corpus_version,
        policy_version=policy_version(rulebook_hash=book_hash, corpus_version=corpus_version),
        checks=report.to_dict(),
        accepted_gaps=gaps,
        accept_reason=reason if gaps else None,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        event="policy_published",
        payload={
            "publication_id": row.id,
            "approver": approver,
            "how": how,
            "name": name,
            "rulebook_hash": book_hash,
            "policy_version": row.policy_version,
            "corpus_version": corpus_version,
            "document_ids": row.document_ids,
            "rules": len(rules),
            "accepted_gaps": [g.get("rule_id") or g.get("inventory") for g in gaps],
            "accept_reason": row.accept_reason,
        },
    )
    return _from_row(row), report


def ensure_first_start(
    session_factory: sessionmaker[Session], path: Path = DEFAULT_RULES_PATH
) -> PublishedPolicy | None:
    """The current publication; with none, publish our own corpus's rulebook if its check passes against
    the ingested corpus (a lender's own guide is never published without a person)."""
    with session_factory() as session:
        current = latest(session=session)
    if current is not None:
        return current
    rules = load_rules(path)
    with session_factory.begin() as session:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _FIRST_START_LOCK})
        current = latest(session=session)
        if current is not None:
            return current
        if not load_corpus(session=session):
            return None
        try:
            published, _ = publish(rules, session=session, approver=FIRST_START, name=SEED_NAME, how="first_start")
        except PublishRefused as exc:
            log.warning(
                "the seed rulebook was not published at first start: %s; decisions REFER until a person "
                "publishes a rulebook (python -m policy publish)",
                exc,
            )
            return None
    log.info(
        "published the seed rulebook at first start (publication %s, policy %s)", published.id, published.policy_version
    )
    return published
