"""An LLM proposer for the slots the offline grammar left empty, used only when DRAFT_PROPOSER names a
provider (openai, ollama or bedrock). It sees policy text only, never applicant data.

The model is never trusted alone. For each empty slot it is shown the guide's passages that read most
like the slot (numbered) and must answer with one passage's number and the slot's values; a proposal is
kept only when the passage it names states every value in the slot's unit (read by `policy.grammar`,
exactly as the offline drafter and `policy check` read numbers) and speaks of the slot's subject. Kept
proposals carry `source="llm"` and a confidence below any grammar proposal's; the rest are listed with
why they were rejected. A timeout, provider error or reply that does not parse rejects that slot only;
the offline draft always stands. `policy check` then verifies every rule again before a publish.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field

from core.errors import LLMError
from policy.draft import Draft, Proposal, Reading, _speaks, readings
from policy.grammar import canonical_words, quantities, similarity
from policy.slots import Slot

log = logging.getLogger(__name__)

CANDIDATES = 6  # passages shown per slot
LLM_CONFIDENCE = 0.45  # below every grammar proposal (those start at 0.55)
SYSTEM = (
    "You read a mortgage lender's credit policy. You are given one rule the underwriting engine needs and "
    'numbered passages from the lender\'s guide. Answer only with JSON: {"passage": N, "values": '
    "{NAME: NUMBER}} where N is the number of the passage that states the rule and each NUMBER is the value "
    "exactly as that passage states it (digits only, no unit). If no passage states the rule, answer "
    '{"passage": 0, "values": {}}. Never compute or guess a number.'
)


class ProposerReply(BaseModel):
    passage: int = Field(ge=0)
    values: dict[str, str | float | int] = Field(default_factory=dict)


@dataclass(frozen=True)
class Rejection:
    slot_id: str
    why: str


def candidates(slot: Slot, pool: list[tuple[Reading, Any]], limit: int = CANDIDATES) -> list[Reading]:
    """The passages of the slot's program (or of every program) that read most like the slot; `pool` holds
    each whole sentence or row with its word set (read once per draft, not once per slot)."""
    wanted = canonical_words(f"{slot.label} {slot.query} {slot.sentence}")
    scored = [
        (similarity(wanted, words) + 0.5 * _speaks(slot.kind, r.about), i, r)
        for i, (r, words) in enumerate(pool)
        if r.program in (slot.program, "all")
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [r for score, _, r in scored[:limit] if score > 0]


def prompt(slot: Slot, shown: list[Reading]) -> str:
    units = ", ".join(f"{name} ({unit})" for name, unit in slot.values.items())
    lines = [
        f"Rule: {slot.label} for the {slot.program} program ({slot.kind}).",
        f"Values to read: {units}.",
        "",
        "Passages:",
    ]
    lines += [f"{n}. [{r.passage.document}, page {r.passage.page}] {r.cited}" for n, r in enumerate(shown, start=1)]
    return "\n".join(lines)


def check_reply(slot: Slot, shown: list[Reading], reply: ProposerReply) -> Proposal | Rejection:
    """The proposal the reply makes, if the passage it names states every value in the slot's unit."""
    if reply.passage == 0:
        return Rejection(slot.id, "the model found no passage stating it")
    if reply.passage > len(shown):
        return Rejection(slot.id, f"the model named passage {reply.passage} of {len(shown)}")
    reading = shown[reply.passage - 1]
    if set(reply.values) != set(slot.values):
        return Rejection(slot.id, f"the model gave values {sorted(reply.values)}, the slot needs {sorted(slot.values)}")
    stated = quantities(reading.text, bare_words=any(u in ("count", "months") for u in slot.values.values()))
    values: dict[str, tuple[Decimal, str]] = {}
    for name, unit in slot.values.items():
        try:
            number = Decimal(str(reply.values[name]))
        except InvalidOperation:
            return Rejection(slot.id, f"{name}: {reply.values[name]!r} is not a number")
        if not any(q.value == number and q.unit == unit for q in stated):
            return Rejection(
                slot.id,
                f"{name} = {number} {unit} is not stated in the passage it cites "
                f"({reading.passage.document}, page {reading.passage.page})",
            )
        values[name] = (number, unit)
    if not _speaks(slot.kind, reading.about):
        return Rejection(slot.id, f"the passage it cites does not speak of {slot.label.lower()}")
    return Proposal(slot, values, {}, reading.passage, reading.cited, LLM_CONFIDENCE, source="llm")


def fill_missing(result: Draft, client, *, timeout_s: float) -> tuple[Draft, list[Rejection]]:
    """`result` with the slots the grammar missed proposed by `client` where its answer checks out."""
    pool = [(r, canonical_words(r.about)) for r in readings(result.documents) if r.text == r.cited]
    kept: list[Proposal] = []
    rejected: list[Rejection] = []
    for slot in result.missing:
        shown = candidates(slot, pool)
        if not shown:
            rejected.append(Rejection(slot.id, "no passage of its program reads like it"))
            continue
        try:
            answer = client.complete_json(
                system=SYSTEM, user=prompt(slot, shown), schema=ProposerReply, timeout_s=timeout_s
            )
        except LLMError as exc:
            log.warning("draft proposer: %s: %s", slot.id, exc)
            rejected.append(Rejection(slot.id, f"{type(exc).__name__}: {exc}"))
            continue
        outcome = check_reply(slot, shown, answer.value)  # type: ignore[arg-type]
        (kept if isinstance(outcome, Proposal) else rejected).append(outcome)  # type: ignore[arg-type]
    filled = {p.slot.id for p in kept}
    return replace(
        result, proposals=result.proposals + kept, missing=[s for s in result.missing if s.id not in filled]
    ), rejected
