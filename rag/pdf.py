"""Read a policy PDF into a `ParsedDocument` with pypdfium2: page text, boilerplate removed,
structure (outline or heading scheme), contents/index pages flagged, metadata.

Every way a file can be unusable raises `IngestError` with a one-line reason.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import pypdfium2 as pdfium

from core.errors import IngestError
from core.text import normalise_with_offsets
from rag.structure import find_headings, page_kind
from rag.types import PROGRAMS, DocumentMeta, Heading, PageText, ParsedDocument

log = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\n"
BOILERPLATE_SHARE = 0.6  # a line (digits ignored) on this share of pages is a running header/footer
MAX_BOILERPLATE_WORDS = 0.20  # a filter that would remove more of the words than this is not applied
BOILERPLATE_WORDS_PER_PAGE = 30  # ... unless it stays within this many words a page (short documents)
EDGE_LINES = 3  # running headers and footers sit in the first or last lines of a page
PLACEHOLDER_TITLES = {"", "untitled", "untitled document", "document", "microsoft word", "title", "none", "pdf"}

_VERSION = re.compile(r"\bVersion\s+([0-9][\w.\-]*)")
_EFFECTIVE = re.compile(r"Effective(?:\s+date)?:?\s+([A-Z][a-z]+\s+\d{1,2},\s+\d{4}|\d{4}-\d{2}-\d{2})")
_PROGRAMS = re.compile(r"Programs? covered:\s*([^\n]+)", re.IGNORECASE)


@dataclass(frozen=True)
class OutlineEntry:
    level: int
    title: str
    page_index: int  # 0-based


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """A pdfium document for `data`, or IngestError saying why the bytes are not a usable PDF."""
    if not data:
        raise IngestError("empty file")
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise IngestError("not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        # a reader would recover some pages of a cut-off file; we store all of a file or none of it
        raise IngestError("truncated PDF (no %%EOF marker at the end): copy the file again")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IngestError("encrypted PDF: save an unencrypted copy and ingest that") from exc
        raise IngestError(f"corrupt PDF: {exc}".splitlines()[0]) from exc
    if len(pdf) == 0:
        raise IngestError("PDF has no pages")
    return pdf


def extract_pages(pdf: pdfium.PdfDocument) -> list[str]:
    """Text of every page, line ends normalised to \\n."""
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    except pdfium.PdfiumError as exc:
        raise IngestError(f"corrupt PDF: cannot read page text ({exc})".splitlines()[0]) from exc
    return pages


def read_outline(pdf: pdfium.PdfDocument) -> list[OutlineEntry]:
    """The outline (bookmarks) with 0-based page indexes; entries pointing nowhere are skipped with a warning."""
    entries, bad = [], 0
    try:
        for bookmark in pdf.get_toc(max_depth=8):
            dest = bookmark.get_dest()
            index = dest.get_index() if dest is not None else None
            title = " ".join((bookmark.get_title() or "").split())
            if index is None or not 0 <= index < len(pdf) or not title:
                bad += 1
                continue
            entries.append(OutlineEntry(bookmark.level, title, index))
    except (pdfium.PdfiumError, ValueError) as exc:
        log.warning("outline unreadable, using heading patterns instead: %s", exc)
        return []
    if bad:
        log.warning("outline: ignored %d entries that point at no page of this %d-page document", bad, len(pdf))
    return entries


def strip_boilerplate(raw_pages: list[str]) -> list[str]:
    """Remove running headers and footers: lines that recur on most pages once digits are ignored."""
    return remove_boilerplate(raw_pages)[0]


def remove_boilerplate(raw_pages: list[str]) -> tuple[list[str], str]:
    """(cleaned pages, note). The filter never eats body text: if it would remove more than
    MAX_BOILERPLATE_WORDS of the words, it is not applied and the note says so."""
    tidy = [_tidy(p) for p in raw_pages]
    if len(raw_pages) < 3:
        return tidy, ""
    shapes = [{_shape(line) for line in _edges(page)} for page in raw_pages]
    counts = Counter(shape for page in shapes for shape in page)
    # numbered headings are never boilerplate, even when titles differ only in their numbers
    repeated = {s for s, n in counts.items() if n >= BOILERPLATE_SHARE * len(raw_pages) and not _HEADING_SHAPE.match(s)}
    if not repeated:
        return tidy, ""
    cleaned = [_tidy(_drop_edges(page, repeated)) for page in raw_pages]
    before, after = sum(len(p.split()) for p in tidy), sum(len(p.split()) for p in cleaned)
    allowed = max(MAX_BOILERPLATE_WORDS * before, BOILERPLATE_WORDS_PER_PAGE * len(raw_pages))
    if before - after > allowed:
        note = (
            f"header/footer filter not applied: it would remove {100 * (before - after) / before:.0f}% "
            f"of the words ({len(repeated)} repeated line shapes)"
        )
        log.warning(note)
        return tidy, note
    return cleaned, ""


def _edges(page: str) -> list[str]:
    lines = [line for line in page.splitlines() if line.strip()]
    return lines[:EDGE_LINES] + lines[max(EDGE_LINES, len(lines) - EDGE_LINES) :]


def _drop_edges(page: str, repeated: set[str]) -> str:
    """The page without repeated lines among its first and last EDGE_LINES lines; body lines always stay."""
    lines = [line for line in page.splitlines() if line.strip()]
    n = len(lines)
    keep = [
        line
        for i, line in enumerate(lines)
        if not ((i < EDGE_LINES or i >= n - EDGE_LINES) and _shape(line) in repeated)
    ]
    return "\n".join(keep)


_HEADING_SHAPE = re.compile(r"^#\. [A-Z]|^#\.# [A-Z]")


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def document_meta(first_page: str, info: dict[str, str], fallback_name: str) -> DocumentMeta:
    """Title, version, effective date and programs from the title page, then the PDF info."""
    subject = info.get("/Subject", "") or ""
    version = _first(_VERSION, first_page) or _kv(subject, "version")
    effective = _parse_date(_first(_EFFECTIVE, first_page) or _kv(subject, "effective"))
    programs_text = _first(_PROGRAMS, first_page) or _kv(subject, "programs") or ""
    programs = tuple(p for p in PROGRAMS if re.search(rf"\b{p}\b", programs_text, re.IGNORECASE))
    if not programs and re.search(r"\ball\b", programs_text, re.IGNORECASE):
        programs = ("all",)
    title = " ".join((info.get("/Title") or "").split())
    if title.lower() in PLACEHOLDER_TITLES or title.lower().endswith((".doc", ".docx", ".pdf")):
        title = fallback_name
    return DocumentMeta(doc_name=title, version=version, effective_date=effective, programs=programs)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1).strip() if match else None


def _kv(subject: str, key: str) -> str | None:
    match = re.search(rf"{key}=([^;]+)", subject)
    return match.group(1).strip() if match else None


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    for fmt in ("%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(re.sub(r"\s+", " ", value), fmt).date()
        except ValueError:
            continue
    return None


def outline_headings(
    outline: list[OutlineEntry], pages: tuple[PageText, ...], page_starts: tuple[int, ...]
) -> list[Heading]:
    """Outline entries as headings, each placed where its title starts on its page (else at the page top)."""
    headings = []
    top = min((e.level for e in outline), default=0)
    for entry in outline:
        text, base = pages[entry.page_index].text, page_starts[entry.page_index]
        probe = " ".join(entry.title.split()[:6])
        flat, offsets = normalise_with_offsets(text)
        at = flat.find(probe)
        offset = base + offsets[at] if at >= 0 else base
        headings.append(Heading("", entry.title, offset, level=entry.level - top))
    return sorted(headings, key=lambda h: h.offset)


@dataclass(frozen=True)
class RawPdf:
    """What a PDF library gives: page text, outline and info dictionary ("/Title" style keys)."""

    pages: list[str]
    outline: list[OutlineEntry]
    info: dict[str, str]


def read_pdf(data: bytes) -> RawPdf:
    """Page text, outline and metadata with pypdfium2; IngestError if the file is unusable or has no text."""
    pdf = open_pdf(data)
    try:
        raw = extract_pages(pdf)
        if not any(page.strip() for page in raw):
            raise IngestError(f"no text layer on any of its {len(raw)} pages (a scanned image?): run OCR first")
        outline = read_outline(pdf)
        info = {f"/{k}": str(v) for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
    finally:
        pdf.close()
    return RawPdf(raw, outline, info)


def parse_pdf(data: bytes, *, fallback_name: str) -> ParsedDocument:
    """Parse PDF bytes into a document ready for chunking; IngestError if unusable."""
    return build_document(read_pdf(data), fallback_name=fallback_name)


def build_document(raw_pdf: RawPdf, *, fallback_name: str) -> ParsedDocument:
    """Boilerplate removed, pages joined, contents pages flagged, headings from the outline or the text."""
    raw = raw_pdf.pages
    cleaned, note = remove_boilerplate(raw)
    pages = tuple(PageText(i + 1, text) for i, text in enumerate(cleaned))
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page.text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(page.text for page in pages)
    kinds = tuple(page_kind(page.text) for page in pages)
    outline = raw_pdf.outline
    headings = (
        outline_headings(outline, pages, tuple(starts))
        if outline
        else find_headings(_blank_pages(text, starts, pages, kinds))
    )
    return ParsedDocument(
        meta=document_meta(raw[0], raw_pdf.info, fallback_name),
        pages=pages,
        text=text,
        page_starts=tuple(starts),
        headings=tuple(headings),
        page_kinds=kinds,
        boilerplate_note=note,
    )


def _blank_pages(text: str, starts: list[int], pages: tuple[PageText, ...], kinds: tuple[str, ...]) -> str:
    """`text` with contents/index pages blanked (same length), so their lines are never headings."""
    if all(k == "body" for k in kinds):
        return text
    chars = list(text)
    for start, page, kind in zip(starts, pages, kinds):
        if kind != "body":
            for i in range(start, start + len(page.text)):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)
