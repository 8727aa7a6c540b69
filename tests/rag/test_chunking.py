"""Chunker boundaries and overlap, and heading detection (pure functions)."""

import re

import pytest

from rag.chunking import chunk_document, chunk_words, find_headings
from rag.types import PageText, ParsedDocument

pytestmark = pytest.mark.unit


def words(n: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def window_words(text: str, span: tuple[int, int]) -> list[str]:
    return text[span[0] : span[1]].split()


def test_short_text_is_one_window():
    text = words(10)
    assert chunk_words(text, 512, 50) == [(0, len(text))]


def test_empty_text_has_no_windows():
    assert chunk_words("   \n ", 512, 50) == []


def test_windows_have_size_words_and_share_overlap():
    text = words(1200)
    spans = chunk_words(text, 512, 50)
    chunks = [window_words(text, s) for s in spans]
    # starts at 0, 462, 924; the last window ends at the last word and is not duplicated
    assert [c[0] for c in chunks] == ["w0", "w462", "w924"]
    assert [len(c) for c in chunks] == [512, 512, 276]
    assert chunks[0][-50:] == chunks[1][:50]
    assert chunks[1][-50:] == chunks[2][:50]
    assert chunks[-1][-1] == "w1199"


def test_exact_fit_gives_no_tail_window():
    text = words(512 + 462)  # second window ends exactly at the last word
    spans = chunk_words(text, 512, 50)
    assert len(spans) == 2 and window_words(text, spans[-1])[-1] == "w973"


def test_window_is_a_verbatim_slice_keeping_newlines():
    text = "alpha beta\ngamma  delta\n\nepsilon"
    (span,) = chunk_words(text, 10, 2)
    assert text[span[0] : span[1]] == text


@pytest.mark.parametrize("size,overlap", [(0, 0), (10, 10), (10, -1)])
def test_bad_window_settings_are_refused(size, overlap):
    with pytest.raises(ValueError):
        chunk_words("a b c", size, overlap)


def test_headings_must_continue_the_numbering():
    text = "\n".join(
        [
            "1. Scope",
            "Some text.",
            "1.1 Purpose",
            "text",
            "3. Skipped Ahead",
            "2. Eligibility",
            "2.2 Out Of Order",
            "2.1 Credit Score",
            "45 Percent Is The Limit",
            "2.2 Ratios",
            "12. Not A Heading Either",
            "3. Reserves",
        ]
    )
    labels = [h.label for h in find_headings(text)]
    assert labels == ["1. Scope", "1.1 Purpose", "2. Eligibility", "2.1 Credit Score", "2.2 Ratios", "3. Reserves"]


def test_heading_like_sentences_are_not_headings():
    assert find_headings("1. Scope\n1.1 The borrower must document income for two years.") == [
        find_headings("1. Scope")[0]
    ]


def _doc(pages: list[str]) -> ParsedDocument:
    from rag.pdf import PAGE_SEPARATOR
    from rag.types import DocumentMeta

    starts, offset = [], 0
    for p in pages:
        starts.append(offset)
        offset += len(p) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    return ParsedDocument(
        DocumentMeta("Doc"),
        tuple(PageText(i + 1, p) for i, p in enumerate(pages)),
        text,
        tuple(starts),
        tuple(find_headings(text)),
    )


def test_chunks_stay_inside_their_subsection_and_remember_page_and_section():
    doc = _doc(
        [
            "Title page\nVersion 1.0\n" + words(30, "t"),
            "1. Scope\n1.1 Purpose\n" + words(40, "p"),
            "1.2 Limits\n" + words(30, "a") + "\n\n",
            words(30, "b") + "\n2. Reserves\n2.1 Months\n" + words(40, "r"),
        ]
    )
    chunks = chunk_document(doc, size=512, overlap=50)
    by_sub = {c.subsection: c for c in chunks}
    assert set(by_sub) == {None, "1.1 Purpose", "1.2 Limits", "2.1 Months"}
    limits = by_sub["1.2 Limits"]
    assert (limits.page_num, limits.page_end, limits.section) == (3, 4, "1. Scope")
    assert limits.text.startswith("1.2 Limits") and limits.text.endswith("b29")
    # a bare section heading is folded into its first subsection's chunk
    months = by_sub["2.1 Months"]
    assert months.text.startswith("2. Reserves") and months.section == "2. Reserves"
    for c in chunks:
        assert doc.text[c.char_offset : c.char_end] == c.text
    assert [c.chunk_index for c in chunks] == list(range(len(chunks)))


def test_long_subsection_is_windowed_with_overlap():
    doc = _doc(["1. Scope\n1.1 Purpose\n" + words(300)])
    chunks = chunk_document(doc, size=100, overlap=10)
    assert len(chunks) == 4  # 303 words: windows start at word 0, 90, 180, 270
    assert all(c.subsection == "1.1 Purpose" for c in chunks)
    assert re.split(r"\s+", chunks[0].text)[-10:] == re.split(r"\s+", chunks[1].text)[:10]
