"""Unicode fonts for the PDF summary, shipped in dashboard/assets/fonts and embedded in every PDF.

DejaVu Sans (Latin, Greek, Cyrillic, symbols, some emoji) with Droid Sans Fallback for CJK; a character
neither font has prints as U+FFFD (a visible replacement mark), never as a blank or a black box.
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from core.settings import PROJECT_ROOT

FONT_DIR = PROJECT_ROOT / "dashboard" / "assets" / "fonts"
SANS, SANS_BOLD, CJK = "LG-Sans", "LG-Sans-Bold", "LG-CJK"
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=1)
def _cmaps() -> tuple[frozenset[int], frozenset[int]]:
    """Register the fonts (once per process) and return the code points each covers."""
    fonts = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", CJK: "DroidSansFallback.ttf"}
    for name, file in fonts.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    sans = pdfmetrics.getFont(SANS).face.charToGlyph
    cjk = pdfmetrics.getFont(CJK).face.charToGlyph
    return frozenset(sans), frozenset(cjk)


def register() -> None:
    _cmaps()


def markup(text: str) -> str:
    """`text` as reportlab Paragraph markup: XML-escaped, CJK runs switched to the fallback font."""
    sans, cjk = _cmaps()
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(f'<font name="{CJK}">{escape("".join(run))}</font>')
            run.clear()

    for ch in text:
        code = ord(ch)
        if code in sans or ch in "\n\t":
            flush()
            out.append(escape(ch))
        elif code in cjk:
            run.append(ch)
        else:
            flush()
            out.append(REPLACEMENT)
    flush()
    return "".join(out)
