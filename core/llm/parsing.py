"""Tolerant JSON extraction from model replies, validated by pydantic; one-line errors on failure."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import LLMInvalidOutput

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

# Fenced blocks, with or without a language tag (```json, ```JSON, bare ```).
_FENCE = re.compile(r"```[ \t]*[A-Za-z]*[ \t]*\r?\n?(.*?)```", re.DOTALL)
# Chatty replies can hold stray braces ("{not json}") before the real object; bound the retries.
_MAX_OBJECT_STARTS = 32
_SNIPPET_CHARS = 80
_MAX_ISSUES = 3


def parse_json_output(text: str | None, schema: type[T]) -> T:
    """The object `text` holds, validated as `schema`.

    Accepts code fences and prose around the object. Raises `LLMInvalidOutput` whose message
    is one line saying what was wrong (not JSON, not an object, or which fields failed).
    """
    if not text or not text.strip():
        raise LLMInvalidOutput("empty reply")
    data = _first_object(_unfenced(text))
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise LLMInvalidOutput(f"reply does not match {schema.__name__}: {_issues(err)}") from err


def schema_instructions(schema: type[BaseModel]) -> str:
    """The paragraph appended to a system prompt so any provider knows the exact shape to return."""
    spec = json.dumps(schema.model_json_schema(), separators=(",", ":"))
    return (
        "Reply with exactly one JSON object and nothing else (no prose, no code fences). "
        f"It must validate against this JSON Schema: {spec}"
    )


def _unfenced(text: str) -> str:
    """The first fenced block that looks like it holds an object, else the text itself."""
    for block in _FENCE.findall(text):
        if "{" in block:
            return str(block)
    return text


def _first_object(text: str) -> dict[str, Any]:
    """The first complete JSON object in `text`, skipping prose (and stray braces) around it."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    if start < 0:
        raise LLMInvalidOutput(f"no JSON object in reply {_describe(text)}")
    first_error: json.JSONDecodeError | None = None
    for _ in range(_MAX_OBJECT_STARTS):
        try:
            value, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as err:
            first_error = first_error or err
        else:
            if isinstance(value, dict):
                return value
        start = text.find("{", start + 1)
        if start < 0:
            break
    reason = f"{first_error.msg} at char {first_error.pos}" if first_error else "no complete object"
    raise LLMInvalidOutput(f"reply is not valid JSON ({reason}) {_describe(text)}")


def _issues(err: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in err.errors()[:_MAX_ISSUES]]
    more = err.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def _describe(text: str) -> str:
    """Size only: error lines are persisted in run traces, and a reply may echo applicant data.

    The excerpt goes to the DEBUG log, which is off unless someone is debugging on purpose.
    """
    flat = " ".join(text.split())
    logger.debug("rejected reply starts: %r", flat[:_SNIPPET_CHARS])
    return f"({len(text)} chars)"
