"""Is an LLM narrative faithful to what the engine computed? If not it is discarded (agents/node.py).

Two checks, the same for every provider (OpenAI, Ollama, Bedrock, the local narrator):
- `contradicts`: it states an outcome of another family ("approved" for a DECLINE, "declined" for an
  APPROVE) and never states the verdict's own. Only verdicts with a known outcome family are checked
  (the Decision agent's recommendations and the Policy agent's eligibility verdicts).
- `invented_figures`: it states a number that is nowhere in what the engine gave the model (facts,
  passages, findings), or compares two figures the wrong way ("DTI 33.79% is above the 41% limit").
  Numbers are computed, never generated: a rounded or made-up figure sends the engine's own text instead.
"""

from __future__ import annotations

import re

from core.llm.numbers import false_comparisons, unsupported_numbers

_FAMILIES = {
    "approve": r"\bapprov(?:e|ed|al|able)\b|\beligible\b",
    "decline": r"\bdeclin(?:e|ed)\b|\bden(?:y|ied|ial)\b|\bineligible\b|\breject(?:ed)?\b",
    "refer": r"\brefer(?:red|ral)?\b|\bhuman review\b|\bmanual review\b|\ba person must\b",
    "incomplete": r"\bincomplete\b|\bnotice of incompleteness\b",
}
_VERDICT_FAMILY = {
    "APPROVE": "approve",
    "APPROVE_WITH_CONDITIONS": "approve",
    "DECLINE": "decline",
    "REFER": "refer",
    "INCOMPLETE": "incomplete",
    "ELIGIBLE": "approve",
    "INELIGIBLE": "decline",
}


def _states(family: str, text: str) -> bool:
    cleaned = re.sub(r"\bnot (?:be )?(?:approved|declined|referred|eligible)\b", " ", text, flags=re.IGNORECASE)
    if family == "approve":  # "ineligible" contains "eligible" as a word only after the prefix; keep it apart
        cleaned = re.sub(r"\bineligible\b", " ", cleaned, flags=re.IGNORECASE)
    return bool(re.search(_FAMILIES[family], cleaned, re.IGNORECASE))


def contradicts(verdict: str, *texts: str) -> str | None:
    """A one-line error when the narrative states another outcome than `verdict` and not its own."""
    own = _VERDICT_FAMILY.get(verdict)
    if own is None:
        return None
    text = " ".join(texts)
    others = [f for f in _FAMILIES if f != own and _states(f, text)]
    if others and not _states(own, text):
        return (
            f"LLM narrative contradicts the engine's verdict {verdict} (it says {others[0]}); "
            "the narrative was discarded and the engine's own text kept."
        )
    return None


def outcome_families(text: str) -> list[str]:
    """The outcome families a narrative states ("approve", "decline", "refer", "incomplete"), in order."""
    return [f for f in _FAMILIES if _states(f, text)]


def invented_figures(source: str, *texts: str) -> str | None:
    """A one-line error when the narrative states a number `source` (the model's input) does not hold,
    or a comparison its own figures contradict."""
    text = " ".join(texts)
    if invented := unsupported_numbers(text, source):
        return (
            f"LLM narrative states {', '.join(map(str, invented[:3]))}, which the engine did not compute; "
            "the narrative was discarded and the engine's own text kept."
        )
    if wrong := false_comparisons(text):
        return (
            f"LLM narrative claims {wrong[0]!r}, which its own figures contradict; "
            "the narrative was discarded and the engine's own text kept."
        )
    return None
