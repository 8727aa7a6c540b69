"""Render the Cedar Ridge Mortgage credit-policy library to PDF.

Every ``src/*.md`` file (format: ``FORMAT.md`` in this folder) becomes ``<doc_id>.pdf``
next to this script. The Markdown subset is small: YAML-ish front matter, ``##``/``###``
numbered headings, paragraphs with ``**bold**``, ``- `` bullets, GitHub pipe tables and
``<!-- pagebreak -->``. Output is byte-reproducible (reportlab invariant mode) so the
ingestion pipeline sees identical PDFs on every run.

Usage: ``python seed_data/policies/render.py``
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

rl_config.invariant = 1

log = logging.getLogger("render")

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"
LENDER = "Cedar Ridge Mortgage"
HEADER = "Cedar Ridge Mortgage - Credit Policy Library"
DISCLAIMER = (
    "Internal credit policy - written in our own words from public agency and regulatory rules; not legal advice."
)
MARGIN = inch
REQUIRED_KEYS = ("doc_id", "title", "version", "effective_date", "programs", "supersedes", "summary")

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14, spaceAfter=6)
BULLET = ParagraphStyle("bullet", parent=BODY, leftIndent=16, bulletIndent=4, spaceAfter=3)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=12, spaceAfter=0)
CELL_HEAD = ParagraphStyle("cellhead", parent=CELL, fontName="Helvetica-Bold")
H2 = ParagraphStyle(
    "h2",
    parent=BODY,
    fontName="Helvetica-Bold",
    fontSize=13.5,
    leading=17,
    spaceBefore=10,
    spaceAfter=6,
    keepWithNext=1,
)
H3 = ParagraphStyle(
    "h3", parent=BODY, fontName="Helvetica-Bold", fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=4, keepWithNext=1
)
T_LENDER = ParagraphStyle(
    "tl", parent=BODY, fontName="Helvetica-Bold", fontSize=16, leading=20, alignment=TA_CENTER, spaceAfter=30
)
T_TITLE = ParagraphStyle(
    "tt", parent=BODY, fontName="Helvetica-Bold", fontSize=22, leading=28, alignment=TA_CENTER, spaceAfter=24
)
T_META = ParagraphStyle("tm", parent=BODY, fontSize=11.5, leading=16, alignment=TA_CENTER, spaceAfter=4)
T_NOTE = ParagraphStyle("tn", parent=BODY, fontName="Helvetica-Oblique", fontSize=9.5, leading=13)

H2_RE = re.compile(r"^## (\d+) (\S.*)$")
H3_RE = re.compile(r"^### (\d+)\.(\d+) (\S.*)$")


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` front matter from the body; values lose quotes and trailing comments."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("missing front matter")
    end = lines.index("---", 1)
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        key, _, value = line.partition(":")
        value = re.sub(r"\s+#.*$", "", value.strip()).strip()
        meta[key.strip()] = value.strip('"').strip("'")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise ValueError(f"front matter lacks {missing}")
    return meta, "\n".join(lines[end + 1 :])


def long_date(iso: str) -> str:
    """``2026-01-01`` -> ``January 1, 2026``."""
    d = dt.date.fromisoformat(iso)
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def inline(text: str) -> str:
    """Escape XML and convert ``**bold**`` to reportlab markup."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(text))


def make_table(rows: list[str]) -> Table:
    """Build a platypus Table from GitHub pipe-table lines (header, separator, body)."""
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    header, body = cells[0], cells[2:]
    data = [[Paragraph(inline(c), CELL_HEAD) for c in header]]
    data += [[Paragraph(inline(c), CELL) for c in r] for r in body]
    width = LETTER[0] - 2 * MARGIN
    first = 0.42 if len(header) == 2 else 0.34
    rest = (1 - first) / max(len(header) - 1, 1)
    table = Table(data, colWidths=[width * first] + [width * rest] * (len(header) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E4E9EF")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def parse_body(body: str) -> list:
    """Turn the Markdown body into flowables, checking heading numbering as it goes."""
    flow: list = []
    para: list[str] = []
    table: list[str] = []
    section, sub = 0, 0

    def flush() -> None:
        if para:
            flow.append(Paragraph(inline(" ".join(para)), BODY))
            para.clear()
        if table:
            flow.append(make_table(table))
            flow.append(Spacer(1, 8))
            table.clear()

    for raw in body.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            if para:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        if not line.strip():
            flush()
        elif line.strip() == "<!-- pagebreak -->":
            flush()
            flow.append(PageBreak())
        elif m := H2_RE.match(line):
            flush()
            if int(m[1]) != section + 1:
                raise ValueError(f"section out of order: {line!r}")
            section, sub = int(m[1]), 0
            flow.append(Paragraph(inline(f"{m[1]}. {m[2]}"), H2))
        elif m := H3_RE.match(line):
            flush()
            if int(m[1]) != section or int(m[2]) != sub + 1:
                raise ValueError(f"subsection out of order: {line!r}")
            sub = int(m[2])
            flow.append(Paragraph(inline(f"{m[1]}.{m[2]} {m[3]}"), H3))
        elif line.startswith("- "):
            flush()
            flow.append(Paragraph(inline(line[2:].strip()), BULLET, bulletText="\u2013"))
        elif re.match(r"^\d+\.\s", line) or line.startswith("#"):
            raise ValueError(f"line looks like an unsupported heading: {line!r}")
        else:
            para.append(line.strip())
    flush()
    return flow


def title_page(meta: dict[str, str]) -> list:
    """Flowables for page 1."""
    return [
        Spacer(1, 0.9 * inch),
        Paragraph(LENDER, T_LENDER),
        Paragraph(inline(meta["title"]), T_TITLE),
        Paragraph(f"Version {escape(meta['version'])}", T_META),
        Paragraph(f"Effective date: {long_date(meta['effective_date'])}", T_META),
        Paragraph(f"Programs covered: {escape(meta['programs'])}", T_META),
        Paragraph(f"Supersedes: {escape(meta['supersedes'])}", T_META),
        Spacer(1, 0.4 * inch),
        Paragraph(inline(meta["summary"]), BODY),
        Spacer(1, 0.3 * inch),
        Paragraph(DISCLAIMER, T_NOTE),
        PageBreak(),
    ]


def canvas_factory(footer_prefix: str):
    """Canvas class that defers page furniture until the page count is known."""

    class FooterCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, height = LETTER
            self.saveState()
            footer = f"{footer_prefix} | Page {self._pageNumber} of {total}"
            size = min(8.5, 8.5 * (width - 2 * MARGIN) / self.stringWidth(footer, "Helvetica", 8.5))
            self.setFillColor(colors.HexColor("#333333"))
            self.setFont("Helvetica", 8.5)
            self.drawString(MARGIN, height - 0.6 * inch, HEADER)
            self.setFont("Helvetica", size)  # long titles shrink to stay inside the margins
            self.drawString(MARGIN, 0.55 * inch, footer)
            self.setStrokeColor(colors.grey)
            self.setLineWidth(0.4)
            self.line(MARGIN, height - 0.66 * inch, width - MARGIN, height - 0.66 * inch)
            self.line(MARGIN, 0.7 * inch, width - MARGIN, 0.7 * inch)
            self.restoreState()

    return FooterCanvas


def render(src: Path) -> Path:
    """Render one source file; returns the PDF path."""
    meta, body = parse_front_matter(src.read_text(encoding="utf-8"))
    out = HERE / f"{meta['doc_id']}.pdf"
    effective = long_date(meta["effective_date"])
    doc = SimpleDocTemplate(
        str(out),
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title=meta["title"],
        author=LENDER,
        subject=f"version={meta['version']}; effective={meta['effective_date']}; programs={meta['programs']}",
        creator="seed_data/policies/render.py",
    )
    footer = f"{meta['title']} | Version {meta['version']} | Effective {effective}"
    doc.build(title_page(meta) + parse_body(body), canvasmaker=canvas_factory(footer))
    log.info("rendered %s -> %s", src.name, out.name)
    return out


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    failed = 0
    for path in sorted(SRC_DIR.glob("*.md")):
        try:
            pdf = render(path)
        except (ValueError, OSError) as exc:
            log.error("%s: %s", path.name, exc)
            failed += 1
            continue
        print(f"{path.name} -> {pdf.relative_to(HERE.parent.parent)}")
    sys.exit(1 if failed else 0)
