"""Which numbers does a narrative state, and did the engine compute each of them?

A figure matches when it equals a source number after formatting is stripped: "$2,850.44" and
"2850.44", "43%", "43.0%" and "43.00" all match; a percentage may also be written as a fraction
(0.43 for 43%). Used to discard a local model's narrative that invents a number, and to measure it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# A number with optional $ and thousands separators; a trailing % is read but not needed to match.
_NUMBER = re.compile(r"(?<![\w.])\$?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\w)")


def numbers_in(text: str) -> list[Decimal]:
    """Every number in `text`, in order, as exact Decimals (commas dropped)."""
    found = []
    for match in _NUMBER.finditer(text or ""):
        whole, frac = match.group(1).replace(",", ""), match.group(2) or ""
        try:
            found.append(Decimal(whole + frac))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            continue
    return found


def _forms(value: Decimal) -> set[Decimal]:
    return {value.normalize(), (value / 100).normalize()}


def unsupported_numbers(narrative: str, source: str) -> list[Decimal]:
    """Numbers in `narrative` that no number in `source` accounts for (empty list = faithful)."""
    allowed: set[Decimal] = set()
    for value in numbers_in(source):
        allowed |= _forms(value)
    return [n for n in numbers_in(narrative) if n.normalize() not in allowed]
