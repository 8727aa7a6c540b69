"""What a candidate rulebook would change, before anyone publishes it.

Each application is decided twice in memory (nothing is stored): under the publication decisions use now
(before) and under the candidate (after). A flip is an application whose recommendation changes; it
carries the rules that moved it (the rules that can move an outcome in one decision and not in the other).
When the applications carry monitoring data (race, ethnicity, sex, age, as batch files do), the approval
rate and adverse impact ratio by group are computed before and after with `agents.fairness`, so a less
discriminatory alternative can be tried before it is published.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.context import AgentContext
from agents.fairness import MIN_GROUP, fairness_table
from agents.redecide import Redecision, pinned_context, redecide
from core.models import BatchItem, Run
from policy.publication import PublishedPolicy

log = logging.getLogger(__name__)

MONITORED = ("race", "ethnicity", "sex", "age")
# label, application facts (no SSN), monitoring data or None
Item = tuple[str, dict[str, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Flip:
    """One application whose recommendation the candidate changes."""

    label: str
    program: str
    before: str
    after: str
    moved_by: tuple[str, ...]  # rule ids that move one decision and not the other
    before_reasons: tuple[str, ...] = ()
    after_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupChange:
    attribute: str
    group: str
    n: int
    before_rate: float
    after_rate: float
    before_air: float | None
    after_air: float | None
    before_flag: bool
    after_flag: bool


@dataclass
class ImpactReport:
    candidate: dict[str, Any]
    current: dict[str, Any] | None  # the publication decisions use now (None: nothing published)
    decided: int = 0
    flips: list[Flip] = field(default_factory=list)
    by_program: dict[str, dict[str, Any]] = field(default_factory=dict)
    fairness: list[GroupChange] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # applications the engine could not decide

    @property
    def flipped(self) -> int:
        return len(self.flips)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "candidate": self.candidate,
            "current": self.current,
            "decided": self.decided,
            "flipped": self.flipped,
            "flips": [asdict(f) for f in self.flips],
            "by_program": self.by_program,
        }
        if self.fairness:
            out["fairness"] = [asdict(g) for g in self.fairness]
        if self.errors:
            out["errors"] = self.errors
        return out


def describe_policy(policy: PublishedPolicy | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    return {
        "id": policy.id or None,
        "name": policy.name,
        "rulebook_hash": policy.rulebook_hash,
        "corpus_version": policy.corpus_version,
        "policy_version": policy.policy_version,
    }


def moved_by(before: Redecision, after: Redecision) -> tuple[str, ...]:
    """The rules that can move an outcome in one decision but not in the other, in the order found."""
    b, a = set(before.moved_by), set(after.moved_by)
    return tuple(dict.fromkeys([r for r in after.moved_by if r not in b] + [r for r in before.moved_by if r not in a]))


def impact(
    candidate: PublishedPolicy,
    applications: Sequence[Item],
    *,
    context: AgentContext,
    current: PublishedPolicy | None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImpactReport:
    """Decide every application under `current` and under `candidate`; report what changes."""
    report = ImpactReport(candidate=describe_policy(candidate), current=describe_policy(current))
    before_ctx = pinned_context(context, current) if current is not None else context
    after_ctx = pinned_context(context, candidate)
    outcomes: list[tuple[dict[str, Any] | None, str, str]] = []
    counts: dict[str, dict[str, Counter]] = {}
    for done, (label, facts, monitoring) in enumerate(applications):
        try:
            before = redecide(facts, context=before_ctx, publication=current)
            after = redecide(facts, context=after_ctx, publication=candidate)
        except Exception as exc:  # noqa: BLE001 - one bad application must not hide the others' impact
            log.warning("impact: %s could not be decided: %s", label, exc)
            report.errors.append({"label": label, "error": f"{type(exc).__name__}: {exc}"})
            continue
        program = str(facts.get("loan_type") or "unknown")
        report.decided += 1
        per = counts.setdefault(program, {"before": Counter(), "after": Counter()})
        per["before"][before.recommendation] += 1
        per["after"][after.recommendation] += 1
        if before.recommendation != after.recommendation:
            report.flips.append(
                Flip(
                    label,
                    program,
                    before.recommendation,
                    after.recommendation,
                    moved_by(before, after),
                    before.reasons,
                    after.reasons,
                )
            )
        outcomes.append((monitoring, before.recommendation, after.recommendation))
        if on_progress:
            on_progress(done + 1, len(applications))
    report.by_program = {
        p: {
            "decided": sum(c["before"].values()),
            "flipped": sum(1 for f in report.flips if f.program == p),
            "before": dict(sorted(c["before"].items())),
            "after": dict(sorted(c["after"].items())),
        }
        for p, c in sorted(counts.items())
    }
    report.fairness = fairness_change(outcomes)
    return report


def fairness_change(
    outcomes: list[tuple[dict[str, Any] | None, str, str]], *, min_group: int = MIN_GROUP
) -> list[GroupChange]:
    """Approval rate and adverse impact ratio by group, before and after (empty without monitoring data)."""
    monitored = [(m, b, a) for m, b, a in outcomes if m and any(m.get(k) not in (None, "") for k in MONITORED)]
    if not monitored:
        return []

    def table(index: int):
        records = [
            {"status": "completed", "recommendation": row[index], **{f"monitoring.{k}": v for k, v in row[0].items()}}
            for row in monitored
        ]
        return {(r.attribute, r.group): r for r in fairness_table(records, attributes=MONITORED, min_group=min_group)}

    before, after = table(1), table(2)
    return [
        GroupChange(
            attr,
            group,
            b.n,
            b.engine_rate,
            after[(attr, group)].engine_rate,
            b.engine_air,
            after[(attr, group)].engine_air,
            b.engine_flag,
            after[(attr, group)].engine_flag,
        )
        for (attr, group), b in before.items()
    ]


def last_runs(session: Session, n: int) -> list[Item]:
    """The applications of the newest `n` completed runs, with the monitoring data a batch stored beside them."""
    rows = session.execute(
        select(Run, BatchItem.monitoring)
        .outerjoin(BatchItem, BatchItem.run_id == Run.id)
        .where(Run.status == "completed")
        .order_by(Run.started_at.desc())
        .limit(n)
    ).all()
    return [(run.id, dict(run.application.data), monitoring or None) for run, monitoring in rows]
