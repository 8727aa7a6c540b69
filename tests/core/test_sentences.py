"""The one sentence splitter (core.sentences): verbatim spans, and the same sentences for rule verification and
the requirement inventory (policy.sentences) as for the offline answerer's quotes (rag.answer)."""

from __future__ import annotations

import pytest

from core.sentences import sentence_spans
from core.text import normalise
from policy.sentences import split_sentences
from rag.answer import answer_sentences

# Abbreviations, a numbered list item, a sentence over a page break, a lettered item, "Regulation Z." at a
# sentence end and a table whose lines have no final stop, as a PDF renderer breaks them.
TRICKY = (
    "Every lender must document the borrower's income from a regular source (e.g. Fannie Mae forms\n"
    "or the U.S. Department of Labor's wage statements), as 12 U.S.C. 2601 et seq. requires. The file must\n"
    "also hold a credit report.\n"
    "1. The underwriter must sign the worksheet before closing.\n"
    "A lender shall follow the disclosure timing as defined in Regulation Z. Persons may rely on the\n\n"
    "commentary when they apply the timing rule to a loan.\n"
    "(a) The lender must keep each notice for at least twenty-five months.\n"
    "Maximum Loan-to-Value Ratio by Property Type\n"
    "One unit primary residence purchase 97%\n"
    "Two to four unit primary residence 85%\n"
)
EXPECTED = [
    "Every lender must document the borrower's income from a regular source (e.g. Fannie Mae forms or the U.S. "
    "Department of Labor's wage statements), as 12 U.S.C. 2601 et seq. requires.",
    "The file must also hold a credit report.",
    "1. The underwriter must sign the worksheet before closing.",
    "A lender shall follow the disclosure timing as defined in Regulation Z.",
    "Persons may rely on the commentary when they apply the timing rule to a loan.",
    "(a) The lender must keep each notice for at least twenty-five months.",
    "Maximum Loan-to-Value Ratio by Property Type",
    "One unit primary residence purchase 97%",
    "Two to four unit primary residence 85%",
]


@pytest.mark.unit
def test_spans_are_verbatim_and_read_as_the_policy_sentences():
    spans = sentence_spans(TRICKY)
    assert [normalise(TRICKY[s:e]) for s, e in spans] == EXPECTED
    assert all(TRICKY[s:e] == TRICKY[s:e].strip() for s, e in spans)
    assert "\n\n" in TRICKY[spans[4][0] : spans[4][1]]  # the sentence runs over the page break


@pytest.mark.unit
def test_policy_and_answerer_split_the_same_text_the_same_way():
    """Rule verification and the inventory (strings) and the answerer (spans) cut at the same places; the
    answerer only leaves out what it may not quote (a heading, a fragment under five words)."""
    assert split_sentences(TRICKY) == EXPECTED
    quoted = [normalise(TRICKY[s:e]) for s, e in answer_sentences(TRICKY)]
    assert quoted == [s for s in EXPECTED if s != "Maximum Loan-to-Value Ratio by Property Type"]


@pytest.mark.unit
def test_a_numbered_heading_is_no_sentence_and_initials_do_not_end_one():
    text = "2.1 Eligible Borrowers\nA borrower named by J. R. Smith must sign. Part B. Applies too.\n"
    assert [normalise(text[s:e]) for s, e in sentence_spans(text)] == [
        "A borrower named by J. R. Smith must sign.",
        "Part B.",
        "Applies too.",
    ]


@pytest.mark.unit
def test_short_lines_end_blocks_and_a_wrapped_row_stays_whole_for_the_answerer():
    """With `short_line` (the answerer's reading) a title line is its own unit and a table row wrapped
    over long lines is one unit; without it the lines of a table's tail are one unit each."""
    row = (
        "Income or assets Pay stubs covering 30 days and W-2 forms for two years, or\n"
        "tax returns and transcripts; account statements covering two\n"
        "months for assets\n"
    )
    text = "Cedar Ridge Mortgage\nVersion 3.0\nThis guide sets out how we underwrite loans.\n" + row
    wide = [normalise(text[s:e]) for s, e in sentence_spans(text, short_line=60)]
    assert wide == [
        "Cedar Ridge Mortgage",
        "Version 3.0",
        "This guide sets out how we underwrite loans.",
        normalise(row),
    ]
    narrow = [normalise(row[s:e]) for s, e in sentence_spans(row)]
    assert narrow == [normalise(line) for line in row.splitlines()]
