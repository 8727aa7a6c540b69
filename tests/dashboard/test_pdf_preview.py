"""The page preview on the seed policy PDFs: the quote is found and highlighted, or plainly not."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dashboard.pdf_preview import (
    PREVIEW_SCALE,
    PagePreview,
    PreviewUnavailable,
    highlight_band,
    render_page,
    search_candidates,
)
from tests.conftest import SEED_POLICIES

CONVENTIONAL = SEED_POLICIES / "conventional.pdf"
SENTENCE = "The minimum credit score for a conventional loan is 620."  # page 3, subsection 3.1
PAGE_WIDTH, PAGE_HEIGHT = 612 * PREVIEW_SCALE, 792 * PREVIEW_SCALE  # US Letter


@pytest.mark.unit
def test_candidates_are_the_normalised_quote_then_its_longest_sentence():
    quote = "Short one.\n  The minimum credit score for a\nconventional loan is 620. Then more."
    assert search_candidates(quote) == [" ".join(quote.split()), SENTENCE]
    assert search_candidates(SENTENCE) == [SENTENCE]
    assert search_candidates("  \n ") == []


@pytest.mark.integration
def test_a_known_sentence_is_highlighted_inside_the_page():
    preview = render_page(CONVENTIONAL, 3, quote=SENTENCE)
    assert preview.highlighted and preview.matched == SENTENCE
    assert (preview.width, preview.height) == (round(PAGE_WIDTH), round(PAGE_HEIGHT))
    for left, top, right, bottom in preview.boxes:
        assert 0 <= left < right <= preview.width and 0 <= top < bottom <= preview.height
    left, top, right, bottom = preview.boxes[0]
    assert top > preview.height / 3  # 3.1 sits in the lower part of the page, below section 2
    plain = render_page(CONVENTIONAL, 3)
    centre = (int(left + 3), int((top + bottom) / 2))
    with Image.open(io.BytesIO(preview.png)) as lit, Image.open(io.BytesIO(plain.png)) as bare:
        r, g, b = lit.convert("RGB").getpixel(centre)
        assert lit.convert("RGB").getpixel(centre) != bare.convert("RGB").getpixel(centre)
        assert r > 200 and g > 180 and b < 200  # yellow over the white between glyphs


@pytest.mark.integration
def test_a_quote_across_lines_is_highlighted_on_each_line():
    quote = (
        "The minimum credit score for a conventional loan is 620. The representative score for each\n"
        "borrower is the middle of three bureau scores"
    )
    preview = render_page(CONVENTIONAL, 3, quote=quote)
    assert len(preview.boxes) == 2 and preview.matched == " ".join(quote.split())
    assert preview.boxes[1][1] > preview.boxes[0][1]  # the second line is lower on the page


@pytest.mark.integration
def test_the_longest_sentence_is_used_when_the_whole_quote_is_not_on_the_page():
    preview = render_page(CONVENTIONAL, 3, quote=f"This lead-in is on no page. {SENTENCE}")
    assert preview.highlighted and preview.matched == SENTENCE


@pytest.mark.integration
def test_a_sentence_from_another_page_is_not_highlighted():
    preview = render_page(CONVENTIONAL, 4, quote=SENTENCE)
    assert not preview.highlighted and preview.boxes == () and preview.matched == ""
    assert preview.png.startswith(b"\x89PNG")  # the page is still shown


@pytest.mark.integration
def test_the_card_strip_is_the_band_around_the_highlight():
    preview = render_page(CONVENTIONAL, 3, quote=SENTENCE)
    with Image.open(io.BytesIO(highlight_band(preview))) as band:
        assert band.width == preview.width and band.height < preview.height / 3
    unlit = PagePreview(preview.png, preview.width, preview.height, (), "")
    assert highlight_band(unlit) == preview.png


@pytest.mark.integration
def test_missing_files_and_pages_are_reported(tmp_path):
    with pytest.raises(PreviewUnavailable, match="gone.pdf is not in the policy folder"):
        render_page(tmp_path / "gone.pdf", 1, quote=SENTENCE)
    with pytest.raises(PreviewUnavailable, match="has no page 99"):
        render_page(CONVENTIONAL, 99)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(PreviewUnavailable, match="cannot be opened"):
        render_page(broken, 1)
