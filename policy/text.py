"""Whitespace normalisation for policy text: how a quote is compared with the page it came from."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\S+")


def normalise(text: str) -> str:
    """Every run of whitespace (PDF line breaks included) as one space, trimmed."""
    return " ".join(_TOKEN.findall(text))


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of that character in `text`."""
    parts: list[str] = []
    offsets: list[int] = []
    for m in _TOKEN.finditer(text):
        if parts:
            parts.append(" ")
            offsets.append(offsets[-1] + 1)  # the first whitespace character after the previous token
        parts.append(m.group())
        offsets.extend(range(m.start(), m.end()))
    return "".join(parts), offsets
