"""Unicode fonts for the PDF summary, shipped in dashboard/assets/fonts and embedded in every PDF.

Each character is drawn in the first font that has it: DejaVu Sans (Latin, Greek, Cyrillic, some symbols),
Noto Sans Symbols, Noto Emoji (monochrome), the Noto Sans script fonts (Arabic, Hebrew, Indic, Thai, Lao,
Khmer, Myanmar, Ethiopic, Georgian, Armenian), then Droid Sans Fallback (CJK). A character none has prints
as U+FFFD, a visible mark, never a blank or a black box; an invisible format character none has is dropped.

reportlab does not shape text: every glyph prints, but Arabic letters are not joined, Indic vowel signs
are not reordered, right-to-left text is laid out left to right, and an emoji ZWJ sequence or skin-tone
modifier prints as its component glyphs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from core.settings import PROJECT_ROOT

FONT_DIR = PROJECT_ROOT / "dashboard" / "assets" / "fonts"
SANS, SANS_BOLD, CJK = "LG-Sans", "LG-Sans-Bold", "LG-CJK"
REPLACEMENT = "\ufffd"
_SCRIPTS = (
    "Arabic",
    "Hebrew",
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Thai",
    "Lao",
    "Khmer",
    "Myanmar",
    "Ethiopic",
    "Georgian",
    "Armenian",
)
# (reportlab name, file) in order of preference after DejaVu Sans: the first font with a character draws it
FALLBACKS: tuple[tuple[str, str], ...] = (
    ("LG-Symbols", "NotoSansSymbols-Regular.ttf"),
    ("LG-Emoji", "NotoEmoji-Regular.ttf"),
    *((f"LG-{script}", f"NotoSans{script}-Regular.ttf") for script in _SCRIPTS),
    (CJK, "DroidSansFallback.ttf"),
)


@lru_cache(maxsize=1)
def _cmaps() -> tuple[tuple[str, frozenset[int]], ...]:
    """Register the fonts (once per process) and return (font, code points it covers), in order of preference."""
    for name, file in ((SANS, "DejaVuSans.ttf"), (SANS_BOLD, "DejaVuSans-Bold.ttf"), *FALLBACKS):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    for bold, italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
        addMapping(SANS, bold, italic, SANS_BOLD if bold else SANS)
    return tuple((name, frozenset(pdfmetrics.getFont(name).face.charToGlyph)) for name, _ in ((SANS, ""), *FALLBACKS))


def register() -> None:
    _cmaps()


def _invisible(ch: str) -> bool:
    """Format characters and variation selectors (ZWJ, U+FE0F, ...): nothing to print if no font has them."""
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _drawn(ch: str) -> tuple[str, str] | None:
    """(font, character) that prints `ch`: U+FFFD in DejaVu Sans when no font has it, None to drop it."""
    if ch in "\n\t":
        return SANS, ch
    font = next((name for name, cmap in _cmaps() if ord(ch) in cmap), None)
    if font is not None:
        return font, ch
    return None if _invisible(ch) else (SANS, REPLACEMENT)


def markup(text: str) -> str:
    """`text` as reportlab Paragraph markup: XML-escaped, each run of characters in the first font that has them."""
    out: list[str] = []
    for font, run in groupby(filter(None, map(_drawn, text)), key=lambda drawn: drawn[0]):
        chars = escape("".join(ch for _, ch in run))
        out.append(chars if font == SANS else f'<font name="{font}">{chars}</font>')
    return "".join(out)
