"""Render another lender's policy manuals (written here to test drafting a rulebook from a guide no one
wrote for our engine) to PDF, byte-reproducibly.

Each ``<lender>/src/*.txt`` becomes ``<lender>/<doc>.pdf``. Source format (deliberately unlike
``seed_data/policies/FORMAT.md``): ``key: value`` front matter up to a ``===`` line, then
``Chapter N Title`` lines (each starts a new page), ``IV.B Title`` item headings, paragraphs (one a line),
``Table ...`` captions followed by ``a | b`` rows (the first row is the header). The manual heading scheme
is the one `rag.structure.find_handbook` reads.

Usage: ``python seed_data/lenders/render.py``
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

rl_config.invariant = 1
log = logging.getLogger("render_lender")

HERE = Path(__file__).resolve().parent
LENDERS = {"keystone_valley": "Keystone Valley Federal Credit Union"}
MARGIN = 0.9 * inch
BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14.5, spaceAfter=7)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=10, leading=12.5, spaceAfter=0)
CELL_HEAD = ParagraphStyle("cellhead", parent=CELL, fontName="Times-Bold")
CAPTION = ParagraphStyle("caption", parent=BODY, fontName="Times-Italic", spaceBefore=4, spaceAfter=3)
CHAPTER = ParagraphStyle("chapter", parent=BODY, fontName="Times-Bold", fontSize=15, leading=19, spaceAfter=10)
ITEM = ParagraphStyle(
    "item", parent=BODY, fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=6, keepWithNext=1
)
COVER = ParagraphStyle("cover", parent=BODY, fontName="Times-Bold", fontSize=20, leading=26, spaceAfter=18)

_CHAPTER = re.compile(r"^Chapter (\d{1,2}) \S")
_ITEM = re.compile(r"^[IVX]{1,5}\.[A-Z] \S")


def parse(text: str) -> tuple[dict[str, str], list[str]]:
    head, _, body = text.partition("\n===\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines() if line.strip())
    for key in ("doc", "title", "version", "effective", "programs", "summary"):
        if key not in meta:
            raise ValueError(f"front matter lacks {key}")
    return meta, body.splitlines()


def _table(rows: list[str]) -> Table:
    cells = [[c.strip() for c in row.split("|")] for row in rows]
    data = [[Paragraph(escape(c), CELL_HEAD) for c in cells[0]]]
    data += [[Paragraph(escape(c), CELL) for c in row] for row in cells[1:]]
    width = LETTER[0] - 2 * MARGIN
    table = Table(data, colWidths=[width * 0.6, width * 0.4])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def flowables(meta: dict[str, str], lines: list[str], lender: str) -> list:
    flow: list = [
        Spacer(1, 1.2 * inch),
        Paragraph(escape(lender), COVER),
        Paragraph(escape(meta["title"]), COVER),
        Paragraph(f"Version {escape(meta['version'])}", BODY),
        Paragraph(f"Effective {escape(meta['effective'])}", BODY),
        Paragraph(f"Programs covered: {escape(meta['programs'])}", BODY),
        Spacer(1, 0.3 * inch),
        Paragraph(escape(meta["summary"]), BODY),
    ]
    table: list[str] = []
    for line in lines + [""]:
        if "|" in line:
            table.append(line)
            continue
        if table:
            flow += [_table(table), Spacer(1, 8)]
            table = []
        if not line.strip():
            continue
        if _CHAPTER.match(line):
            flow += [PageBreak(), Paragraph(escape(line), CHAPTER)]
        elif _ITEM.match(line):
            flow.append(Paragraph(escape(line), ITEM))
        elif line.startswith("Table "):
            flow.append(Paragraph(escape(line), CAPTION))
        else:
            flow.append(Paragraph(escape(line), BODY))
    return flow


def _canvas(footer: str):
    class Footer(rl_canvas.Canvas):
        def showPage(self):  # noqa: N802 - reportlab API
            self.saveState()
            self.setFont("Times-Roman", 9)
            self.drawCentredString(LETTER[0] / 2, 0.5 * inch, f"{footer} - page {self._pageNumber}")
            self.restoreState()
            super().showPage()

    return Footer


def render(src: Path, lender: str) -> Path:
    meta, lines = parse(src.read_text(encoding="utf-8"))
    out = src.parent.parent / f"{meta['doc']}.pdf"
    doc = SimpleDocTemplate(
        str(out),
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title=meta["title"],
        author=lender,
        subject=f"version={meta['version']}; effective={meta['effective']}; programs={meta['programs']}",
        creator="seed_data/lenders/render.py",
    )
    doc.build(flowables(meta, lines, lender), canvasmaker=_canvas(f"{lender} | {meta['title']}"))
    return out


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for folder, name in LENDERS.items():
        for path in sorted((HERE / folder / "src").glob("*.txt")):
            log.info("%s -> %s", path.name, render(path, name).relative_to(HERE))
    sys.exit(0)
