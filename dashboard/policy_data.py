"""The Policy page's services: the published rulebook and its history as tables, a candidate read and
checked, its impact on stored runs, and publishing it. No Streamlit here (see dashboard.policy_view)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from core.errors import ConfigurationError
from core.settings import PROJECT_ROOT
from dashboard.policy_diff import values_text
from policy.check import CheckReport
from policy.publication import PublishedPolicy, check_current, history, latest, publish
from policy.rules import DEFAULT_RULES_PATH, Rule, rules_from_data

RULE_COLUMNS = ["Rule", "Program", "Kind", "Value", "Status", "Document", "Page", "Section", "Sentence"]
HISTORY_COLUMNS = [
    "Publication",
    "Name",
    "Approver",
    "Published",
    "How",
    "Rules",
    "Accepted gaps",
    "Reason",
    "Policy version",
]
GAP_COLUMNS = ["Rule", "Status", "Detail", "Nearest passage"]


def published(factory: sessionmaker[Session]) -> tuple[PublishedPolicy | None, list[PublishedPolicy]]:
    """The publication decisions use now and every publication, newest first."""
    with factory() as session:
        return latest(session=session), history(session=session)


def status_of(publication: PublishedPolicy, rule_id: str) -> str:
    return str((publication.checks.get(rule_id) or {}).get("status", "not checked"))


def rules_frame(publication: PublishedPolicy) -> pd.DataFrame:
    """One row per rule: its value, status when published and its citation (document, page, section, sentence)."""
    rows = []
    for rule in publication.rules:
        c = rule.citation
        rows.append(
            [
                rule.id,
                rule.program,
                rule.kind,
                values_text(rule),
                status_of(publication, rule.id),
                c.document if c else rule.doc_id,
                c.page if c and c.page else None,
                c.section if c else "",
                c.sentence if c else "",
            ]
        )
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


def filter_rules(frame: pd.DataFrame, *, programs: list[str], statuses: list[str]) -> pd.DataFrame:
    keep = frame["Program"].isin(programs or frame["Program"]) & frame["Status"].isin(statuses or frame["Status"])
    return frame[keep].reset_index(drop=True)


def history_frame(publications: list[PublishedPolicy]) -> pd.DataFrame:
    rows = [
        [
            p.id,
            p.name,
            p.approver,
            f"{p.published_at:%Y-%m-%d %H:%M}" if p.published_at else "",
            p.how,
            len(p.rules),
            ", ".join(g.get("rule_id") or f"inventory {g.get('inventory')}" for g in p.accepted_gaps),
            p.accept_reason or "",
            p.policy_version,
        ]
        for p in publications
    ]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def rulebook_files() -> list[str]:
    """The rulebooks in the project a candidate can be chosen from (paths under seed_data/, the seed one
    first); nothing else on the machine is readable from the page."""
    seed = DEFAULT_RULES_PATH.parent
    found = sorted(p for p in seed.rglob("*rulebook*.json") if p != DEFAULT_RULES_PATH)
    return [str(p.relative_to(PROJECT_ROOT)) for p in (DEFAULT_RULES_PATH, *found)]


def read_rulebook(data: bytes | None = None, path: Path = DEFAULT_RULES_PATH) -> tuple[tuple[Rule, ...], str]:
    """A candidate rulebook from uploaded bytes, else from `path`; (rules, its name). ConfigurationError if bad."""
    source = "the uploaded file" if data is not None else str(path)
    try:
        body = json.loads(data.decode("utf-8") if data is not None else path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise ConfigurationError(f"{source} is not a rulebook (JSON): {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
        raise ConfigurationError(f'{source} is not a rulebook: expected {{"name": ..., "rules": [...]}}')
    rules = rules_from_data(body["rules"], source=source)
    return rules, str(body.get("name") or (path.stem if data is None else "uploaded rulebook"))


def check(factory: sessionmaker[Session], rules: tuple[Rule, ...]) -> CheckReport:
    with factory() as session:
        return check_current(rules, session=session)


def gaps_frame(report: CheckReport) -> pd.DataFrame:
    rows = [
        [c.rule_id, c.status, c.detail, c.citation.label() + ": " + c.citation.quote if c.citation else ""]
        for c in report.gaps
    ]
    rows += [
        [f"inventory {s.id}", "missing", f"the inventory sentence is not in {s.doc}", ""]
        for s in report.missing_sentences
    ]
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def impact_of(
    factory: sessionmaker[Session],
    rules: tuple[Rule, ...],
    last: int,
    on_progress: Callable[[int, int], None] | None = None,
):
    """The candidate's impact on the applications of the newest `last` completed runs (nothing is stored)."""
    from agents.impact import impact, last_runs
    from agents.redecide import candidate
    from agents.service import get_service

    with factory() as session:
        items = last_runs(session, last)
        if not items:
            return None
        current = latest(session=session)
        proposed = candidate(rules, session=session)
    return impact(proposed, items, context=get_service().context, current=current, on_progress=on_progress)


def flips_frame(report: Any) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Run": f.label,
                "Program": f.program,
                "Before": f.before,
                "After": f.after,
                "Moved by": ", ".join(f.moved_by),
            }
            for f in report.flips
        ],
        columns=["Run", "Program", "Before", "After", "Moved by"],
    )


def programs_frame(report: Any) -> pd.DataFrame:
    mix = lambda counts: ", ".join(f"{k} {v}" for k, v in counts.items())  # noqa: E731
    return pd.DataFrame(
        [
            {
                "Program": p,
                "Decided": c["decided"],
                "Flipped": c["flipped"],
                "Before": mix(c["before"]),
                "After": mix(c["after"]),
            }
            for p, c in report.by_program.items()
        ],
        columns=["Program", "Decided", "Flipped", "Before", "After"],
    )


def publish_rulebook(
    factory: sessionmaker[Session],
    rules: tuple[Rule, ...],
    *,
    approver: str,
    name: str,
    reason: str | None,
    accepted: tuple[str, ...] = (),
) -> tuple[PublishedPolicy, CheckReport]:
    """Publish (committed), accepting by name only the gaps the officer reviewed (`accepted`): one that
    appears since is refused. Raises PublishRefused or LoanGraphError, which the page shows as they are."""
    with factory.begin() as session:
        return publish(rules, session=session, approver=approver, name=name, accept_gaps=reason, accepted=accepted)


def version_changes(factory: sessionmaker[Session]):
    """Per document stored in two versions, the obligation sentences added, removed and changed."""
    from dashboard.policy_diff import document_diffs

    with factory() as session:
        return document_diffs(session=session)
