"""Reading an application's JSON without trusting it: a size cap, a nesting cap, exact numbers,
no NaN/Infinity, and refusals that name the problem but never echo the content."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.errors import InvalidApplication
from core.input_types import Numeral, number_from_text

MAX_BYTES = 1_048_576  # 1 MiB: a loan application is a few hundred bytes; a sample file a few KB
MAX_DEPTH = 16  # an application is two levels deep (a sample file three); deeper is not an application


def _refuse(message: str) -> InvalidApplication:
    return InvalidApplication({"application": message})


def text_depth(text: str) -> int:
    """The deepest nesting of [ and { in JSON text, skipping string contents (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_depth(data: Any, limit: int = MAX_DEPTH) -> None:
    """InvalidApplication if a parsed value nests lists/dicts deeper than `limit` (iterative)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list, tuple)):
            if depth > limit:
                raise _refuse(f"is nested more than {limit} levels deep")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: `{"loan_amount": 1, "loan_amount": 9}` is ambiguous, not "last wins"."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        shown = twice if twice.isidentifier() and twice.isascii() and len(twice) <= 64 else "(unprintable field name)"
        raise ValueError(f"the field {shown} appears more than once in one object; JSON allows one value per field")
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_float(token: str) -> Decimal | Numeral:
    number = number_from_text(token)
    return Numeral(token[:40]) if number is None else number


def _json_int(token: str) -> int | Numeral:
    # bounded before int(): a 5,000-digit integer is a Numeral the field refuses, not a dead parse
    number = number_from_text(token)
    return Numeral(token[:40]) if number is None else int(number)


def loads(text: str) -> Any:
    """Parse untrusted JSON text: numbers with a fraction or exponent become exact Decimals.

    Numerals too long to convert (core.input_types.number_from_text) stay text as `Numeral`, which
    every number field refuses by name, so one giant number is that field's error, not the file's."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise _refuse(f"is larger than {MAX_BYTES // 1024} KiB")
    if text_depth(text) > MAX_DEPTH:
        raise _refuse(f"is nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(
            text,
            parse_float=_json_float,
            parse_int=_json_int,
            parse_constant=_no_constants,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as exc:
        raise _refuse(f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:  # NaN/Infinity
        reason = str(exc) if "JSON allows" in str(exc) else "holds a number too long to read"
        raise _refuse(f"is not valid JSON ({reason})") from None


def load_file(path: Path) -> Any:
    """Read and parse an application file; OSError (missing, unreadable) passes through."""
    if path.stat().st_size > MAX_BYTES:
        raise _refuse(f"is larger than {MAX_BYTES // 1024} KiB")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(f"is not UTF-8 text (byte {exc.start})") from None
    return loads(text)
