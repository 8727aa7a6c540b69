"""Which numbers does a narrative state, and did the engine compute each of them?

A figure matches when it equals a source number after formatting is stripped: "$2,850.44" and
"2850.44", "43%", "43.0%" and "43.00" all match; a percentage may also be written as a fraction
(0.43 for 43%). Used to discard a local model's narrative that invents a number, and to measure it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# A number with optional $ and thousands separators; a trailing % is read but not needed to match.
_FIGURE = r"\$?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?"
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


# "A is above B" / "A is within B": a figure, a comparison, at most a few words and no other figure, a figure.
_ABOVE = r"(?:is |are )?(?:above|over|exceeds?|more than|greater than|higher than)"
_WITHIN = r"(?:is |are )?(?:within|below|under|less than|lower than|at or below|does not exceed|at most)"
_COMPARISON = re.compile(rf"({_FIGURE})\s+(?:({_ABOVE})|({_WITHIN}))\b[^$\d\n]{{0,60}}?({_FIGURE})", re.IGNORECASE)


def _value(figure: str) -> Decimal:
    return numbers_in(figure)[0]


def false_comparisons(narrative: str) -> list[str]:
    """Claims such as "DTI 33.79% is above ... 41%" whose two figures say otherwise (empty list = none).
    Only figures of the same kind are compared (both percentages, or both without %)."""
    wrong = []
    for match in _COMPARISON.finditer(narrative or ""):
        left, above, right = match.group(1), match.group(2), match.group(4)
        if left.strip().endswith("%") != right.strip().endswith("%"):
            continue
        a, b = _value(left), _value(right)
        if (above and not a > b) or (not above and not a <= b):
            wrong.append(match.group(0).strip())
    return wrong
