"""Checkpoints written before the state was typed, read as today's state (the checkpointer's one reader).

Until issue 23 the application travelled as `core.schemas.application_facts` (a dict of strings)
and the Ratio agent's figures only as its verdict's text facts, with "None" where a ratio had no
income to divide by. A run interrupted then and resumed now gets a `LoanApplication` and the
`RatioFigures` those facts spell; this module is the only code that reads figures back from text.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from langgraph.checkpoint.base import CheckpointTuple
from pydantic import ValidationError

from agents.verdicts import AgentVerdict
from core.schemas import application_from_facts
from policy.figures import RatioFigures

log = logging.getLogger(__name__)


def upgraded(saved: CheckpointTuple | None) -> CheckpointTuple | None:
    """`saved` with an old dict application and a missing `ratios` in today's types; as is otherwise."""
    if saved is None:
        return None
    values = dict(saved.checkpoint["channel_values"])
    changed = _upgrade_values(values)
    writes = list(saved.pending_writes or [])
    new_writes = _upgrade_writes(writes)
    if not changed and new_writes == writes:
        return saved
    return saved._replace(checkpoint={**saved.checkpoint, "channel_values": values}, pending_writes=new_writes)


def _upgrade_values(values: dict[str, Any]) -> bool:
    changed = False
    if isinstance(values.get("application"), dict):
        values["ssn_masked"] = str(values["application"].get("ssn_masked", ""))
        values["application"] = application_from_facts(values["application"])
        changed = True
    if "ratio" in values and "ratios" not in values:
        figures = legacy_figures(values["ratio"])
        if figures is not None:
            values["ratios"] = figures
            changed = True
    return changed


def _upgrade_writes(writes: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """A task's pending writes as it would write them today (the input's application; the Ratio agent's figures)."""
    out = [
        (
            task,
            channel,
            application_from_facts(value) if channel == "application" and isinstance(value, dict) else value,
        )
        for task, channel, value in writes
    ]
    for task, channel, value in writes:
        if channel == "ratio" and not any(t == task and c == "ratios" for t, c, _ in writes):
            figures = legacy_figures(value)
            if figures is not None:
                out.append((task, "ratios", figures))
    return out


def legacy_figures(verdict: Any) -> RatioFigures | None:
    """The figures an old Ratio verdict's text facts spell; None for an ERROR verdict or facts of another shape
    (the agents after it then fail closed, as they did on such facts before)."""
    facts = verdict.facts if isinstance(verdict, AgentVerdict) else {}
    try:
        return RatioFigures(
            **{
                name: None if facts[name] in (None, "None") else Decimal(facts[name])
                for name in RatioFigures.model_fields
            }
        )
    except (KeyError, InvalidOperation, TypeError, ValidationError):
        log.warning("an old checkpoint's ratio facts could not be read as figures: %s", sorted(facts))
        return None
