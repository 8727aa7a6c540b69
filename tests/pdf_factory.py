"""Build small policy-like PDFs for tests, with the same layout rules as the seed corpus."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

HEADER = "Cedar Ridge Mortgage - Credit Policy Library"


def write_policy_pdf(
    path: Path,
    *,
    title: str = "Test Program Guide",
    version: str = "1.0",
    sections: dict[str, list[str]] | None = None,
    words_per_paragraph: int = 60,
    extra: str = "",
) -> Path:
    """A title page, then one page per section heading with its subsections' paragraphs.

    `sections` maps "2 Eligibility" to lines such as "2.1 Credit Score" or body text.
    """
    sections = sections or {
        "1 Scope": ["1.1 Purpose", _filler("scope", words_per_paragraph)],
        "2 Eligibility": [
            "2.1 Credit Score",
            "The minimum credit score for a test loan is 640." + extra,
            _filler("credit", words_per_paragraph),
            "2.2 Ratios",
            _filler("ratio", words_per_paragraph),
        ],
    }
    pages = [[title, f"Version {version}", "Effective date: January 1, 2026", "Programs covered: Conventional"]]
    for heading, lines in sections.items():
        number, name = heading.split(" ", 1)
        pages.append([f"{number}. {name}", *lines])
    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    c.setTitle(title)
    for i, lines in enumerate(pages, start=1):
        c.setFont("Helvetica", 9)
        c.drawString(72, 750, HEADER)
        c.drawString(72, 40, f"{title} | Version {version} | Page {i} of {len(pages)}")
        c.setFont("Helvetica", 10)
        y = 700
        for line in lines:
            for part in _wrap(line, 95):
                c.drawString(72, y, part)
                y -= 14
        c.showPage()
    c.save()
    return path


def _filler(topic: str, n: int) -> str:
    return " ".join(f"{topic}{i}" for i in range(n)) + "."


def _wrap(line: str, width: int) -> list[str]:
    out, cur = [], ""
    for word in line.split():
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return out + ([cur] if cur else [])


def write_pages_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    title: str | None = None,
    outline: list[tuple[int, str, int]] = (),
    header: str | None = None,
) -> Path:
    """One PDF page per entry of `pages` (lines, wrapped), an optional running header and page-number
    footer, and an optional outline of (level, title, 0-based page index) entries.

    With `title=None` the PDF keeps reportlab's placeholder title "untitled".
    """
    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    if title is not None:
        c.setTitle(title)
    marks = {}
    for n, (level, text, page_index) in enumerate(outline):
        marks.setdefault(page_index, []).append((f"m{n}", text, level))
    for i, lines in enumerate(pages):
        for key, text, level in marks.get(i, []):
            c.bookmarkPage(key)
            c.addOutlineEntry(text, key, level=level)
        if header:
            c.setFont("Helvetica", 9)
            c.drawString(72, 750, header)
            c.drawString(72, 40, f"Page {i + 1}")
        c.setFont("Helvetica", 10)
        y = 700
        for line in lines:
            for part in _wrap(line, 95):
                c.drawString(72, y, part)
                y -= 14
        c.showPage()
    c.save()
    return path


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages carry only drawings, no text layer (what a scanner without OCR produces)."""
    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    c.setTitle("Scanned Guide")
    for _ in range(pages):
        for y in range(100, 700, 20):
            c.rect(72, y, 400, 8, fill=1)
        c.showPage()
    c.save()
    return path


def write_table_pdf(
    path: Path,
    *,
    title: str,
    heading: str,
    prose: list[str],
    caption: str,
    rows: list[list[str]],
    after: list[str] = (),
) -> Path:
    """A title page, then a page with a numbered heading, prose paragraphs, a captioned table drawn by
    reportlab (`rows[0]` is the column header) and more prose: a limits table as guides print them."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(str(path), pagesize=LETTER, title=title, invariant=1)
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph("Version 1.0", styles["BodyText"]),
        Paragraph("Effective date: January 1, 2026", styles["BodyText"]),
        PageBreak(),
        Paragraph(heading, styles["Heading1"]),
        *(Paragraph(p, styles["BodyText"]) for p in prose),
        Paragraph(caption, styles["BodyText"]),
        Table(rows),
        *(Paragraph(p, styles["BodyText"]) for p in after),
    ]
    doc.build(story)
    return path
