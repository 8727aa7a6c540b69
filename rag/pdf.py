"""Read a policy PDF into a `ParsedDocument`: page text, boilerplate removed, headings, metadata.

Every way a file can be unusable raises `IngestError` with a one-line reason.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, datetime

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from core.errors import IngestError
from rag.chunking import find_headings
from rag.types import PROGRAMS, DocumentMeta, PageText, ParsedDocument

PAGE_SEPARATOR = "\n\n"
BOILERPLATE_SHARE = 0.6  # a line (digits ignored) on this share of pages is a running header/footer

_VERSION = re.compile(r"\bVersion\s+([0-9][\w.\-]*)")
_EFFECTIVE = re.compile(r"Effective(?:\s+date)?:?\s+([A-Z][a-z]+\s+\d{1,2},\s+\d{4}|\d{4}-\d{2}-\d{2})")
_PROGRAMS = re.compile(r"Programs? covered:\s*([^\n]+)", re.IGNORECASE)


def open_pdf(data: bytes) -> PdfReader:
    """A reader for `data`, or IngestError saying why the bytes are not a usable PDF."""
    if not data:
        raise IngestError("empty file")
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise IngestError("not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        # pypdf would recover some pages of a cut-off file; we store all of a file or none of it
        raise IngestError("truncated PDF (no %%EOF marker at the end): copy the file again")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise IngestError("encrypted PDF: save an unencrypted copy and ingest that")
        if not reader.pages:
            raise IngestError("PDF has no pages")
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(f"corrupt PDF: {type(exc).__name__}: {exc}".splitlines()[0]) from exc
    return reader


def extract_pages(reader: PdfReader) -> list[str]:
    try:
        return [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types on damaged content streams
        raise IngestError(f"corrupt PDF: cannot read page text ({type(exc).__name__}: {exc})".splitlines()[0]) from exc


def strip_boilerplate(raw_pages: list[str]) -> list[str]:
    """Remove running headers and footers: lines that recur on most pages once digits are ignored."""
    if len(raw_pages) < 3:
        return [_tidy(p) for p in raw_pages]
    shapes = [{_shape(line) for line in page.splitlines() if line.strip()} for page in raw_pages]
    counts = Counter(shape for page in shapes for shape in page)
    # numbered headings are never boilerplate, even when titles differ only in their numbers
    repeated = {s for s, n in counts.items() if n >= BOILERPLATE_SHARE * len(raw_pages) and not _HEADING_SHAPE.match(s)}
    return [_tidy("\n".join(l for l in page.splitlines() if _shape(l) not in repeated)) for page in raw_pages]


_HEADING_SHAPE = re.compile(r"^#(\.#)?\.? [A-Z]")


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
    title = (info.get("/Title") or "").strip() or fallback_name
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


def parse_pdf(data: bytes, *, fallback_name: str) -> ParsedDocument:
    """Parse PDF bytes into a document ready for chunking; IngestError if unusable."""
    reader = open_pdf(data)
    raw = extract_pages(reader)
    if not any(page.strip() for page in raw):
        raise IngestError("no extractable text (a scanned image? run OCR first)")
    pages = tuple(PageText(i + 1, text) for i, text in enumerate(strip_boilerplate(raw)))
    starts, parts, offset = [], [], 0
    for page in pages:
        starts.append(offset)
        parts.append(page.text)
        offset += len(page.text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(parts)
    info = {k: str(v) for k, v in (reader.metadata or {}).items()}
    return ParsedDocument(
        meta=document_meta(raw[0], info, fallback_name),
        pages=pages,
        text=text,
        page_starts=tuple(starts),
        headings=tuple(find_headings(text)),
    )
