"""Make the static Noto fallback fonts of the PDF summary (reportlab reads static TrueType only) from the
variable Noto fonts of the `manimgx-fonts` wheel (OFL 1.1). Run once; the .ttf files it writes are committed.

    pip install fonttools && pip download --no-deps manimgx-fonts==2026.9.26.post1 && unzip manimgx_fonts-*.whl -d x
    python dashboard/assets/fonts/build_fonts.py x/manimgx_fonts
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

log = logging.getLogger("build_fonts")

HERE = Path(__file__).resolve().parent
WEIGHT = 400  # Regular: the body text of the summary is regular DejaVu Sans
# Latin, Greek and Cyrillic come from DejaVu Sans and CJK from Droid Sans Fallback (shipped as they are)
FAMILIES = (
    "NotoSansSymbols",
    "NotoEmoji",
    "NotoSansArabic",
    "NotoSansHebrew",
    "NotoSansDevanagari",
    "NotoSansBengali",
    "NotoSansGurmukhi",
    "NotoSansGujarati",
    "NotoSansOriya",
    "NotoSansTamil",
    "NotoSansTelugu",
    "NotoSansKannada",
    "NotoSansMalayalam",
    "NotoSansSinhala",
    "NotoSansThai",
    "NotoSansLao",
    "NotoSansKhmer",
    "NotoSansMyanmar",
    "NotoSansEthiopic",
    "NotoSansGeorgian",
    "NotoSansArmenian",
)


def static_regular(source: Path, family: str) -> TTFont:
    """The Regular instance of a variable font, named `<family>-Regular` (the PDF's BaseFont)."""
    font = instantiateVariableFont(TTFont(source, recalcTimestamp=False), {"wght": WEIGHT})
    names = font["name"]
    names.setName(f"{family}-Regular", 6, 3, 1, 0x409)
    names.setName(f"{family}-Regular", 6, 1, 0, 0)
    return font


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with the variable Noto fonts (NotoEmoji[wght].ttf, ...)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    total = 0
    for family in FAMILIES:
        out = HERE / f"{family}-Regular.ttf"
        static_regular(args.source / f"{family}[wght].ttf", family).save(out)
        total += out.stat().st_size
        log.info("%-32s %8.0f KiB", out.name, out.stat().st_size / 1024)
    log.info("%-32s %8.0f KiB", "total", total / 1024)


if __name__ == "__main__":
    main()
