"""Document structure from the text itself (pure): heading schemes and contents/index pages.

Schemes recognised, each keeping only candidates that continue their own numbering:
numbered ("4. Eligibility", "4.2 Ratios"), CFR ("§ 1024.17 Escrow accounts.", paragraphs
"(e)(2)(vi)", interpretations "Section 1024.17—..."), agency guide topics ("Chapter B3-6, ...",
"B3-6-02, Debt-to-Income Ratios") and handbook chapters ("Chapter 4 ...", "II.A.4.b ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.types import Heading

MAX_TITLE_WORDS = 12


def find_numbered(text: str) -> list[Heading]:
    """Numbered headings ("4. Eligibility", "4.2 Debt-to-Income Limits") on their own lines."""
    headings: list[Heading] = []
    section, sub = 0, 0
    for match in _NUMBERED.finditer(text):
        major, minor, title = int(match["major"]), match["minor"], match["title"].strip()
        if len(title.split()) > MAX_TITLE_WORDS or title.endswith((".", ",", ";", ":")):
            continue
        if minor is None and major == section + 1:
            section, sub = major, 0
            headings.append(Heading(str(major), title, match.start()))
        elif minor is not None and major == section and int(minor) == sub + 1:
            sub = int(minor)
            headings.append(Heading(f"{major}.{sub}", title, match.start()))
    return headings


_NUMBERED = re.compile(
    r"^(?P<major>\d{1,2})(?:\.(?P<minor>\d{1,2})|\.)[ \t]+(?P<title>[A-Z][^\n]{1,100})$", re.MULTILINE
)

# --- CFR ------------------------------------------------------------------------------------------

_CFR_SECTION = re.compile(
    r"^(?:§|Section)\s*(?P<part>\d{3,4})\.(?P<sec>\d{1,3}[a-z]?)(?:\s+|\s*[—–-]\s*)[A-Z][^\n]{0,160}$", re.MULTILINE
)
# an interpretation's heading for a paragraph: "4(a)(9) Property Location", "Paragraph 3(c)(1)"
_CFR_COMMENT = re.compile(
    r"^(?:Paragraph\s+)?\d{1,3}[a-z]?(?:\((?:[a-z]{1,4}|\d{1,2}|[A-Z])\))+(?:\s+[A-Z][^\n]{0,100})?$", re.MULTILINE
)
_CFR_APPENDIX = re.compile(
    r"^(?:Appendix [A-Z]{1,2} to Part \d{3,4}|Supplement I to Part \d{3,4})[^\n]{0,160}$", re.MULTILINE
)
_CFR_PARA = re.compile(r"^(?P<markers>(?:\((?:[a-z]{1,4}|\d{1,2}|[A-Z])\))+)(?=\s+[A-Z“\"(]|\s*$)", re.MULTILINE)
_MARKER = re.compile(r"\(([a-zA-Z]{1,4}|\d{1,2})\)")
_ROMAN = [
    "i",
    "ii",
    "iii",
    "iv",
    "v",
    "vi",
    "vii",
    "viii",
    "ix",
    "x",
    "xi",
    "xii",
    "xiii",
    "xiv",
    "xv",
    "xvi",
    "xvii",
    "xviii",
    "xix",
    "xx",
    "xxi",
    "xxii",
    "xxiii",
    "xxiv",
    "xxv",
]
_KEYTERM = re.compile(r"^\s*([A-Z][^.\n]{1,60}\.)(?=\s|$)")


def _next_in(seq: list[str], current: str | None) -> str | None:
    if current is None:
        return seq[0]
    i = seq.index(current) if current in seq else -1
    return seq[i + 1] if 0 <= i < len(seq) - 1 else None


_LOWER = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [f"{c}{c}" for c in "abcdefghijklmnopqrstuvwxyz"]
_DIGITS = [str(n) for n in range(1, 100)]
_UPPER = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


def _advance(path: list[str | None], marker: str) -> list[str | None] | None:
    """The paragraph path after `marker`, or None when the marker does not continue the numbering."""
    p1, p2, p3, p4 = path
    if marker.isdigit():
        return [p1, marker, None, None] if p1 and marker == _next_in(_DIGITS, p2) else None
    if marker.isupper():
        return [p1, p2, p3, marker] if p3 and marker == _next_in(_UPPER, p4) else None
    if p2 and marker in _ROMAN and marker == _next_in(_ROMAN, p3):
        return [p1, p2, marker, None]  # roman before letter: "(i)" under "(1)" is roman
    if marker == _next_in(_LOWER, p1):
        return [marker, None, None, None]
    return None


def find_cfr(text: str) -> list[Heading]:
    """CFR sections (level 0) and their paragraphs (level 1, labelled with the full designation)."""
    events = sorted(
        [(m.start(), "section", m) for m in _CFR_SECTION.finditer(text)]
        + [(m.start(), "appendix", m) for m in _CFR_APPENDIX.finditer(text)]
        + [(m.start(), "comment", m) for m in _CFR_COMMENT.finditer(text)]
        + [(m.start(), "para", m) for m in _CFR_PARA.finditer(text)],
        key=lambda e: e[0],
    )
    headings: list[Heading] = []
    section: str | None = None
    path: list[str | None] = [None] * 4
    for offset, kind, match in events:
        line = match.group(0).strip()
        if kind == "comment":
            if section is not None:
                headings.append(Heading("", _cut(line), offset, level=1))
            continue
        if kind != "para":
            if kind == "section" and re.search(r"(\.\s*){3,}\d+$", line):
                continue  # a contents line
            section = f"§ {match['part']}.{match['sec']}" if kind == "section" else None
            path = [None] * 4
            headings.append(Heading("", _cut(line), offset, level=0))
            continue
        if section is None:
            continue
        new_path: list[str | None] | None = path
        for marker in _MARKER.findall(match["markers"]):
            new_path = _advance(new_path, marker) if new_path else None
        if new_path is None:
            continue
        path = new_path
        designation = section + "".join(f"({m})" for m in path if m)
        keyterm = _KEYTERM.match(text[match.end() : match.end() + 80])
        title = f"{designation} {keyterm.group(1)}" if keyterm else designation
        headings.append(Heading("", title, offset, level=1))
    return headings


def _cut(line: str, words: int = 16) -> str:
    parts = line.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


# --- agency guide and handbook -------------------------------------------------------------------

_AGENCY_CHAPTER = re.compile(
    r"^Chapter\s+(?P<id>[A-E]\d{1,2}-\d{1,2})\s*[,:.-]?\s*(?P<title>[^\n]{0,120})$", re.MULTILINE
)
_AGENCY_TOPIC = re.compile(
    r"^(?P<id>[A-E]\d{1,2}-\d{1,2}-\d{2})\s*[,:.]?\s+(?P<title>[A-Z][^\n]{1,120})$", re.MULTILINE
)
_HANDBOOK_CHAPTER = re.compile(r"^(?:CHAPTER|Chapter)\s+(?P<id>\d{1,2})\b\.?\s*(?P<title>[^\n]{0,120})$", re.MULTILINE)
_HANDBOOK_ITEM = re.compile(
    r"^(?P<id>[IVX]{1,5}\.[A-Z](?:\.\d{1,2}(?:\.[a-z])?)?)\.?\s+(?P<title>[A-Z][^\n]{1,120})$", re.MULTILINE
)


def _pattern_headings(text: str, level0: re.Pattern[str], level1: re.Pattern[str]) -> list[Heading]:
    found = [(m.start(), 0, m) for m in level0.finditer(text)] + [(m.start(), 1, m) for m in level1.finditer(text)]
    headings = []
    for offset, level, match in sorted(found, key=lambda f: f[0]):
        title = match["title"].strip()
        if re.search(r"(\.\s*){3,}\d+$", title) or len(title.split()) > MAX_TITLE_WORDS + 6:
            continue  # a contents line, or prose that happens to start with an id
        label = match.group(0).strip()
        headings.append(Heading("", _cut(label), offset, level=level))
    return headings


def find_agency(text: str) -> list[Heading]:
    return _pattern_headings(text, _AGENCY_CHAPTER, _AGENCY_TOPIC)


def find_handbook(text: str) -> list[Heading]:
    return _pattern_headings(text, _HANDBOOK_CHAPTER, _HANDBOOK_ITEM)


SCHEMES: dict[str, Callable[[str], list[Heading]]] = {
    "numbered": find_numbered,
    "cfr": find_cfr,
    "agency": find_agency,
    "handbook": find_handbook,
}


def find_headings(text: str) -> list[Heading]:
    """The headings of the scheme that finds the most in `text` (numbered wins ties)."""
    best: list[Heading] = []
    for scheme in SCHEMES.values():
        found = scheme(text)
        if len(found) > len(best):
            best = found
    return best


# --- contents and index pages --------------------------------------------------------------------

_LEADER_LINE = re.compile(r"(?:\.\s*){3,}\s*\d{1,4}\s*$|\s{3,}\d{1,4}\s*$")
_INDEX_LINE = re.compile(r",\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:,\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*\s*$")
_CONTENTS_TITLE = re.compile(r"^\s*(table of contents|contents)\s*$", re.IGNORECASE | re.MULTILINE)
_INDEX_TITLE = re.compile(r"^\s*index\s*$", re.IGNORECASE | re.MULTILINE)


def page_kind(text: str) -> str:
    """'contents', 'index' or 'body'. A contents page is mostly lines ending in a page number after
    dot leaders; an index page is titled Index and mostly lines ending in page-number lists."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 4:
        return "body"
    leaders = sum(bool(_LEADER_LINE.search(line)) for line in lines)
    if leaders >= 4 and leaders >= 0.4 * len(lines):
        return "contents"
    if _CONTENTS_TITLE.search(text[:300]) and leaders >= 2:
        return "contents"
    listed = sum(bool(_INDEX_LINE.search(line)) for line in lines)
    if _INDEX_TITLE.search(text[:200]) and listed >= 0.4 * len(lines):
        return "index"
    return "body"
