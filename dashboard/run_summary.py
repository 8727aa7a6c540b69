"""Pure reads over a run's event list (no Streamlit): the figures the decision card and PDF show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from agents.events import AgentEvent, RunEvent, RunFinished, RunInterrupted
from agents.graph import AGENT_ORDER
from agents.verdicts import Finding

# (fact key in the Ratio verdict, label, unit) in the order an underwriter reads them
KEY_RATIOS = (
    ("piti", "PITI payment", "$"),
    ("front_end_dti", "Housing ratio (front-end DTI)", "%"),
    ("back_end_dti", "Back-end DTI", "%"),
    ("ltv", "LTV", "%"),
    ("cltv", "CLTV", "%"),
    ("reserves_months", "Reserves", "months"),
)


@dataclass(frozen=True)
class Threshold:
    label: str
    value: Decimal
    status: str  # the finding's status at this threshold (PASS, REVIEW, FAIL, ...)


@dataclass(frozen=True)
class Gauge:
    """One ratio against every limit the run's findings stated for it."""

    label: str
    value: Decimal | None
    thresholds: tuple[Threshold, ...]


def agent_events(events: list[RunEvent]) -> list[AgentEvent]:
    """The agents' verdicts in pipeline order (compliance and policy run in parallel)."""
    found = [e for e in events if isinstance(e, AgentEvent)]
    return sorted(found, key=lambda e: (AGENT_ORDER.index(e.agent) if e.agent in AGENT_ORDER else 99, e.seq))


def agent_event(events: list[RunEvent], agent: str) -> AgentEvent | None:
    return next((e for e in events if isinstance(e, AgentEvent) and e.agent == agent), None)


def finished(events: list[RunEvent]) -> RunFinished | None:
    return next((e for e in events if isinstance(e, RunFinished)), None)


def interrupted(events: list[RunEvent]) -> RunInterrupted | None:
    return next((e for e in events if isinstance(e, RunInterrupted)), None)


def decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, "", "None"):
        return None
    try:
        return Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        return None


def ratio_facts(events: list[RunEvent]) -> dict[str, Any]:
    event = agent_event(events, "ratio")
    return dict(event.verdict.facts) if event else {}


def key_ratios(events: list[RunEvent]) -> list[tuple[str, str]]:
    """(label, formatted value) for the Ratio agent's headline figures; "n/a" where not computable."""
    facts = ratio_facts(events)
    return [(label, format_fact(facts.get(key), unit)) for key, label, unit in KEY_RATIOS if key in facts]


def format_fact(value: Any, unit: str) -> str:
    number = decimal_or_none(value)
    if number is None:
        return "n/a"
    if unit == "$":
        return f"${number:,.2f}"
    return f"{number.normalize():f}%" if unit == "%" else f"{number.normalize():f} {unit}".rstrip()


def _findings(events: list[RunEvent]) -> list[Finding]:
    return [f for e in agent_events(events) if e.agent in ("compliance", "policy") for f in e.verdict.findings]


def gauge(events: list[RunEvent], *, fact: str, label: str, rule_word: str) -> Gauge:
    """`fact` from the Ratio agent against the percentage thresholds of findings whose rule names `rule_word`."""
    thresholds: dict[Decimal, Threshold] = {}
    for f in _findings(events):
        value = decimal_or_none(f.threshold) if f.threshold and f.threshold.strip().endswith("%") else None
        if value is not None and rule_word in f.rule_id and value not in thresholds:
            thresholds[value] = Threshold(f"{f.label} ({f.threshold})", value, f.status)
    ordered = tuple(sorted(thresholds.values(), key=lambda t: t.value))
    return Gauge(label, decimal_or_none(ratio_facts(events).get(fact)), ordered)


def ratio_gauges(events: list[RunEvent]) -> list[Gauge]:
    """Back-end DTI and LTV, each with the limits the compliance and policy findings state."""
    return [
        gauge(events, fact="back_end_dti", label="Back-end DTI", rule_word="dti"),
        gauge(events, fact="ltv", label="LTV", rule_word="ltv"),
    ]


def notice_deadline(events: list[RunEvent]) -> Finding | None:
    """The Decision agent's adverse-action notice deadline finding (present on a DECLINE)."""
    event = agent_event(events, "decision")
    if event is None:
        return None
    return next((f for f in event.verdict.findings if f.rule_id == "fair_lending.notice_days"), None)


def utc_label(when: datetime | str | None) -> str:
    """A stored time as the desk shows it everywhere: "2026-12-07 13:20:05 UTC" (an ISO string that does
    not parse is shown as stored; none is empty)."""
    if when is None or when == "":
        return ""
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return when
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class FinalDecision:
    """The loan officer's decision as stored on the run."""

    decision: str
    officer: str
    decided_at: str  # ISO timestamp
    override: bool
    reason: str = ""
