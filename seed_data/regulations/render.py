"""Render CFPB RegML XML (Regulation X, Regulation C) into paginated PDFs with their real structure.

    python seed_data/regulations/render.py [--src ../shared/realdocs] [--out seed_data/regulations]

Each PDF has a title page, a contents page with page numbers, every section (§ 1024.17 ...) with
its paragraphs printed with their own markers ((a), (1), (i), (A)), the appendices and the
official interpretations, a running header and a page-number footer. Regulation X also carries a
PDF outline (bookmarks) per subpart, section and interpretation; Regulation C has none, so its
structure has to come from the CFR heading scheme. The output is deterministic (invariant=1).

    python seed_data/regulations/render.py --compilation OUT.pdf

writes instead one real document of about 1,000 pages for the ingest benchmark: both regulations
followed by the Bureau's section-by-section analysis of each (the Federal Register text the XML
carries), with an outline. It is not part of the development corpus.
"""

from __future__ import annotations

import argparse
import gzip
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
from reportlab.platypus.tableofcontents import TableOfContents

NS = "{eregs}"
HERE = Path(__file__).resolve().parent
REALDOCS = HERE.parents[1].parent / "shared" / "realdocs"  # ../shared beside the checkout, as in CI


@dataclass(frozen=True)
class Source:
    xml: str
    pdf: str
    title: str
    short: str
    outline: bool


SOURCES = (
    Source(
        "reg_x_12cfr1024_2017-21912.xml.gz",
        "regulation_x_12cfr1024.pdf",
        "Regulation X - Real Estate Settlement Procedures Act (12 CFR Part 1024)",
        "12 CFR Part 1024 (Regulation X)",
        True,
    ),
    Source(
        "reg_c_12cfr1003_2017-18284_20180101.xml.gz",
        "regulation_c_12cfr1003.pdf",
        "Regulation C - Home Mortgage Disclosure (12 CFR Part 1003)",
        "12 CFR Part 1003 (Regulation C)",
        False,
    ),
)

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12, alignment=TA_LEFT, spaceAfter=4)
H0 = ParagraphStyle("h0", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=10, spaceAfter=6)
H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
TOC_STYLES = [
    ParagraphStyle("toc0", fontName="Helvetica", fontSize=9, leading=11, leftIndent=0),
    ParagraphStyle("toc1", fontName="Helvetica", fontSize=9, leading=11, leftIndent=12),
]


def _text(elem: ET.Element | None) -> str:
    if elem is None:
        return ""
    return re.sub(r"\s+", " ", "".join(elem.itertext())).strip()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


COMPILATION = Source(
    "",
    "regulations_x_c_with_analysis.pdf",
    "Regulations X and C with the Bureau's Section-by-Section Analysis (12 CFR 1024, 1003)",
    "12 CFR 1024 and 1003 with analysis",
    True,
)
NOTE = ParagraphStyle("note", parent=BODY, fontSize=8, leading=10, leftIndent=12)


class Heading(Paragraph):
    """A paragraph that registers itself in the contents (and the outline, when enabled)."""

    def __init__(self, text: str, level: int):
        super().__init__(_esc(text), H0 if level == 0 else H1)
        self.toc_text, self.level = text, level


class RegDoc(SimpleDocTemplate):
    def __init__(self, path: Path, source: Source):
        super().__init__(
            str(path),
            pagesize=LETTER,
            invariant=1,
            title=source.title,
            author="CFPB",
            subject="programs=all",
            leftMargin=72,
            rightMargin=72,
            topMargin=72,
            bottomMargin=60,
        )
        self.source, self._seq = source, 0

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Heading):
            self.notify("TOCEntry", (flowable.level, flowable.toc_text, self.page))
            if self.source.outline:
                self._seq += 1
                key = f"h{self._seq}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.level, closed=True)

    def build_with_toc(self, story: list) -> None:
        self._seq = 0

        def page(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(72, 750, self.source.short)
            canvas.drawString(72, 36, f"Page {doc.page}")
            canvas.restoreState()

        self.multiBuild(story, onFirstPage=page, onLaterPages=page)


def _paragraphs(elem: ET.Element, depth: int) -> list:
    out = []
    for para in elem.findall(f"{NS}paragraph") + elem.findall(f"{NS}interpParagraph"):
        marker = para.get("marker") or ""
        title, content = _text(para.find(f"{NS}title")), _text(para.find(f"{NS}content"))
        line = " ".join(p for p in (marker, title, content) if p)
        if line:
            style = ParagraphStyle(f"d{depth}", parent=BODY, leftIndent=min(depth, 4) * 12)
            out.append(Paragraph(_esc(line), style))
        out += _paragraphs(para, depth + 1)
    return out


def _subject(section: ET.Element) -> str:
    """The section heading as printed in the CFR: '§ 1003.2 Definitions.' (some RegML subjects omit the number)."""
    subject = _text(section.find(f"{NS}subject"))
    if subject.startswith("§"):
        return subject
    part, _, num = (section.get("label") or "").partition("-")
    return f"§ {part}.{num} {subject}"


def _block(child: ET.Element) -> list:
    tag, out = child.tag.removeprefix(NS), []
    if tag == "subpart":
        title = _text(child.find(f"{NS}title"))
        if title:
            out.append(Heading(f"Subpart {child.get('label', '').rsplit('-', 1)[-1]} - {title}", 0))
        for section in child.iter(f"{NS}section"):
            out += [Heading(_subject(section), 1), *_paragraphs(section, 0)]
    elif tag == "appendix":
        out += [PageBreak(), Heading(_text(child.find(f"{NS}appendixTitle")), 0)]
        for sec in child.findall(f"{NS}appendixSection"):
            out += [Paragraph(_esc(_text(sec.find(f"{NS}subject"))), H1), *_paragraphs(sec, 0)]
    elif tag == "interpretations":
        out += [PageBreak(), Heading(_text(child.find(f"{NS}title")), 0)]
        for sec in child.findall(f"{NS}interpSection"):
            out += [Heading(_text(sec.find(f"{NS}title")), 1), *_paragraphs(sec, 0)]
    return out


def story_for(root: ET.Element, source: Source) -> list:
    preamble = root.find(f"{NS}preamble")
    effective = datetime.strptime(_text(preamble.find(f"{NS}effectiveDate")), "%Y-%m-%d")
    story: list = [
        Paragraph(_esc(source.title), H0),
        Paragraph(f"Version {_text(preamble.find(f'{NS}documentNumber'))}", BODY),
        Paragraph(f"Effective date: {effective:%B} {effective.day}, {effective.year}", BODY),
        Paragraph("Programs covered: All", BODY),
        Paragraph(
            _esc(
                f"Issued by the {_text(preamble.find(f'{NS}agency'))}. Rendered from the CFPB RegML "
                "text; federal regulation text is in the public domain."
            ),
            BODY,
        ),
        PageBreak(),
        Paragraph("Table of Contents", H0),
    ]
    toc = TableOfContents(levelStyles=TOC_STYLES, dotsMinLevel=0)
    story += [toc, PageBreak()]
    body = root.find(f"{NS}part").find(f"{NS}content")
    order = {"subpart": 0, "appendix": 1, "interpretations": 2}  # the printed CFR's order
    for child in sorted(body, key=lambda c: order.get(c.tag.removeprefix(NS), 3)):
        story += _block(child)
    return story


def _analysis(elem: ET.Element, depth: int) -> list:
    """The section-by-section analysis: each top-level section a heading (outline entry), nested
    sections as bold run-in titles, paragraphs and footnotes as printed."""
    out = []
    for child in elem:
        tag = child.tag.removeprefix(NS)
        if tag == "analysisSection":
            title = _text(child.find(f"{NS}title"))
            if title:
                out.append(Heading(title, 1) if depth == 0 else Paragraph(f"<b>{_esc(title)}</b>", BODY))
            out += _analysis(child, depth + 1)
        elif tag == "analysisParagraph" and (text := _text(child)):
            out.append(Paragraph(_esc(text), BODY))
        elif tag == "footnote" and (text := _text(child)):
            out.append(Paragraph(_esc(f"Footnote {child.get('ref', '')}: {text}"), NOTE))
    return out


def compilation_story(src_dir: Path) -> list:
    """Both regulations, then each one's section-by-section analysis, under one title and contents."""
    story: list = [
        Paragraph(_esc(COMPILATION.title), H0),
        Paragraph("Programs covered: All", BODY),
        Paragraph(
            "Compiled from the CFPB RegML text of each regulation and of its final rule's "
            "section-by-section analysis; public domain.",
            BODY,
        ),
        PageBreak(),
        Paragraph("Table of Contents", H0),
        TableOfContents(levelStyles=TOC_STYLES, dotsMinLevel=0),
        PageBreak(),
    ]
    roots = []
    for source in SOURCES:
        with gzip.open(src_dir / source.xml) as fh:
            roots.append((source, ET.parse(fh).getroot()))
    order = {"subpart": 0, "appendix": 1, "interpretations": 2}
    for source, root in roots:
        story += [PageBreak(), Heading(source.title, 0)]
        for child in sorted(
            root.find(f"{NS}part").find(f"{NS}content"), key=lambda c: order.get(c.tag.removeprefix(NS), 3)
        ):
            story += _block(child)
    for source, root in roots:
        story += [
            PageBreak(),
            Heading(f"Section-by-Section Analysis: {source.short}", 0),
            *_analysis(root.find(f"{NS}analysis"), 0),
        ]
    return story


def render_compilation(src_dir: Path, out: Path) -> Path:
    RegDoc(out, COMPILATION).build_with_toc(compilation_story(src_dir))
    return out


def render(source: Source, src_dir: Path, out_dir: Path) -> Path:
    with gzip.open(src_dir / source.xml) as fh:
        root = ET.parse(fh).getroot()
    out = out_dir / source.pdf
    RegDoc(out, source).build_with_toc(story_for(root, source))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=REALDOCS)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--compilation", type=Path, help="write the ~1,000-page benchmark document here instead")
    args = parser.parse_args()
    if args.compilation:
        path = render_compilation(args.src, args.compilation)
        print(f"{path}: {path.stat().st_size // 1024} KiB")
        return
    for source in SOURCES:
        path = render(source, args.src, args.out)
        print(f"{path}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
