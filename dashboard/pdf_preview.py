"""Render one page of a policy PDF with pypdfium2 and highlight a quoted passage on it."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import streamlit as st
from PIL import Image, ImageDraw

from core.errors import LoanGraphError
from core.text import normalise

log = logging.getLogger(__name__)

PREVIEW_SCALE = 1.5  # a 612-pt page becomes 918 px wide: body text about 15 px high
HIGHLIGHT_RGBA = (255, 221, 0, 110)  # semi-transparent yellow: the text underneath stays legible
BAND_MARGIN = 90  # pixels kept above and below the highlight in the card's cropped view
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")

Box = tuple[float, float, float, float]  # left, top, right, bottom in image pixels


class PreviewUnavailable(LoanGraphError):
    """The page cannot be shown: the file is missing or unreadable, or the page does not exist."""


@dataclass(frozen=True)
class PagePreview:
    """A rendered page (PNG) and the boxes drawn over the quote; `boxes` is empty when it was not found."""

    png: bytes
    width: int
    height: int
    boxes: tuple[Box, ...]
    matched: str  # the text that was located: the quote, its longest sentence, or ""

    @property
    def highlighted(self) -> bool:
        return bool(self.boxes)


def search_candidates(quote: str) -> list[str]:
    """The whole quote first, then its longest sentence (a quote may run onto the next page)."""
    whole = normalise(quote)
    if not whole:
        return []
    sentences = [s for s in _SENTENCE_END.split(whole) if s]
    longest = max(sentences, key=len)
    return [whole] if longest == whole else [whole, longest]


def find_quote(textpage: pdfium.PdfTextPage, quote: str) -> tuple[str, list[Box]]:
    """The candidate found on the page and its text rectangles in PDF units (left, bottom, right, top)."""
    for candidate in search_candidates(quote):
        searcher = textpage.search(candidate, match_case=False)
        try:
            match = searcher.get_next()
        finally:
            searcher.close()
        if match:
            index, count = match
            n = textpage.count_rects(index, count)
            return candidate, [textpage.get_rect(i) for i in range(n)]
    return "", []


def _to_pixels(rects: list[Box], page: pdfium.PdfPage, scale: float) -> list[Box]:
    left, _bottom, _right, top = page.get_cropbox()
    return [
        ((x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale) for x0, y0, x1, y1 in rects
    ]


def _highlight(image: Image.Image, boxes: list[Box]) -> Image.Image:
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), fill=HIGHLIGHT_RGBA)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_page(
    pdf_path: Path, page_num: int, *, quote: str | None = None, scale: float = PREVIEW_SCALE
) -> PagePreview:
    """Page `page_num` (1-based) of `pdf_path` as a PNG, with `quote` highlighted where it is found."""
    name = Path(pdf_path).name
    if not Path(pdf_path).is_file():
        raise PreviewUnavailable(f"the policy file {name} is not in the policy folder")
    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as exc:
        raise PreviewUnavailable(f"{name} cannot be opened: {exc}") from exc
    try:
        if not 1 <= page_num <= len(pdf):
            raise PreviewUnavailable(f"{name} has no page {page_num} (it has {len(pdf)})")
        page = pdf[page_num - 1]
        matched, rects = find_quote(page.get_textpage(), quote) if quote else ("", [])
        boxes = _to_pixels(rects, page, scale)
        image = page.render(scale=scale).to_pil()
    except pdfium.PdfiumError as exc:
        raise PreviewUnavailable(f"page {page_num} of {name} cannot be rendered: {exc}") from exc
    finally:
        pdf.close()
    if quote and not boxes:
        log.info("quote not located on %s p.%d: %.60r", name, page_num, quote)
    if boxes:
        image = _highlight(image, boxes)
    return PagePreview(_png(image), image.width, image.height, tuple(boxes), matched)


def highlight_band(preview: PagePreview, margin: int = BAND_MARGIN) -> bytes:
    """The full-width strip of the page around the highlighted boxes (the whole page when none)."""
    if not preview.boxes:
        return preview.png
    top = max(0, int(min(b[1] for b in preview.boxes)) - margin)
    bottom = min(preview.height, int(max(b[3] for b in preview.boxes)) + margin)
    with Image.open(io.BytesIO(preview.png)) as image:
        return _png(image.crop((0, top, preview.width, bottom)))


@st.cache_data(show_spinner="Rendering the policy page...", max_entries=256)
def cached_preview(pdf_path: str, modified: float, page_num: int, quote: str | None) -> PagePreview:
    """`render_page`, cached per file version (`modified` is the file's mtime), page and quote."""
    return render_page(Path(pdf_path), page_num, quote=quote)


def page_preview(pdf_path: Path, page_num: int, quote: str | None) -> PagePreview:
    """A cached render; raises PreviewUnavailable when the file is missing or the page is not in it."""
    if not pdf_path.is_file():
        raise PreviewUnavailable(f"the policy file {pdf_path.name} is not in the policy folder ({pdf_path.parent})")
    return cached_preview(str(pdf_path), pdf_path.stat().st_mtime, page_num, quote)
