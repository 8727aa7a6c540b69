"""Running header/footer removal and title-page metadata (pure)."""

from datetime import date

import pytest

from rag.pdf import document_meta, strip_boilerplate

pytestmark = pytest.mark.unit


def test_repeated_header_and_footer_go_numbered_headings_stay():
    filler = " ".join(f"word{i}" for i in range(80))
    bodies = [
        f"Reserves cover PITI. {filler}",
        f"Assets are verified. {filler}",
        "Gifts need a letter.",
        f"Crypto does not count. {filler}",
    ]
    pages = [
        f"Cedar Ridge Mortgage - Credit Policy Library\n{n}. Reserves\n{n}.1 Months Required\n{bodies[n - 1]}\n"
        f"Guide | Version 1.0 | Page {n} of 4"
        for n in range(1, 5)
    ]
    cleaned = strip_boilerplate(pages)
    assert cleaned[2] == "3. Reserves\n3.1 Months Required\nGifts need a letter."


def test_short_documents_keep_every_line():
    assert strip_boilerplate(["a\nfooter", "b\nfooter"]) == ["a\nfooter", "b\nfooter"]


def test_title_page_metadata():
    meta = document_meta(
        "Guide\nVersion 4.1\nEffective date: January 1, 2026\nPrograms covered: FHA, VA",
        {"/Title": "FHA and VA Guide"},
        "fallback",
    )
    assert (meta.doc_name, meta.version, meta.effective_date, meta.programs) == (
        "FHA and VA Guide",
        "4.1",
        date(2026, 1, 1),
        ("fha", "va"),
    )
