"""Applicant- and LLM-written strings shown as what they are: plain text on the page, inert in a spreadsheet.

`plain` escapes every character Streamlit's Markdown gives a meaning to (emphasis, links, HTML, LaTeX
`$`, `:color[...]` directives, headings and list markers), so `**x**` shows the asterisks and `$x$`
stays text. `csv_cell` neutralises cells a spreadsheet would run as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import re
from typing import Any

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-!|~<>$:&^=])")
_INLINE = re.compile(r"([\\`*_\[\]<>$~|]|:(?=[A-Za-z]))")  # emphasis, links, HTML, LaTeX, :directives
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))([.)]?)", re.MULTILINE)  # headings, quotes, lists
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# GFM turns a bare address into a live link after the escapes are read ("http://x", "www.x", "a@b.c"): a
# zero-width space inside the marker keeps it text (the name still reads the same)
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
ZWSP = "\u200b"


def _no_autolink(text: str) -> str:
    return _AUTOLINK.sub(ZWSP, text)


def plain(text: Any) -> str:
    """`text` escaped so Markdown renders it verbatim (one line per line, no block structure)."""
    lines = _no_autolink(str(text if text is not None else "")).splitlines() or [""]
    return "  \n".join(_MARKDOWN.sub(r"\\\1", line.strip()) for line in lines)


def prose(text: Any) -> str:
    """Generated prose (verdict summaries, reasons, quotes) kept readable but inert: every character that
    would format, link, embed HTML, start LaTeX or a `:directive` is escaped; '.', ',' and '%' stay as typed."""
    escaped = _INLINE.sub(r"\\\1", _no_autolink(str(text if text is not None else "")))
    return _BLOCK_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" + m.group(3) if m.group(3) else "\\" + m.group(2)), escaped
    )


def csv_cell(value: Any) -> Any:
    """A text cell that starts like a formula gets a leading apostrophe; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
