"""The ingested seed corpus: known passages land with the right document, page and section."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.models import PolicyChunk, PolicyDocument
from core.text import normalise

pytestmark = pytest.mark.integration

KNOWN = [
    (
        "The minimum credit score for an FHA loan is 500.",
        "FHA Insured Loan Program Guide",
        3,
        "3. Credit",
        "3.1 Minimum Credit Score and LTV Tiers",
    ),
    (
        "The maximum back-end DTI ratio for a conventional loan is 45%.",
        "Conventional Conforming Loan Program Guide",
        4,
        "5. Qualifying Ratios",
        "5.2 Debt-to-Income Limits",
    ),
    (
        "A jumbo loan requires reserves of at least 12 months of PITI.",
        "Jumbo Portfolio Loan Program Guide",
        5,
        None,
        None,
    ),
    (
        "Notice of action taken must be given within 30 days after receiving a completed application.",
        "Fair Lending and Adverse Action Policy",
        4,
        None,
        None,
    ),
]


@pytest.mark.parametrize("sentence,doc_name,page,section,subsection", KNOWN, ids=[k[1] for k in KNOWN])
def test_known_passage_has_its_page_and_section(seeded_db, sentence, doc_name, page, section, subsection):
    with seeded_db() as s:
        chunks = [
            c
            for c in s.scalars(select(PolicyChunk).where(PolicyChunk.doc_name == doc_name))
            if sentence in normalise(c.text)
        ]
    assert len(chunks) == 1, "each rule sentence is in exactly one chunk"
    (chunk,) = chunks
    # the chunk may start on an earlier page; pages are joined by a blank line inside chunk text
    at = re.search(r"\s+".join(map(re.escape, sentence.split())), chunk.text).start()
    assert chunk.page_num + chunk.text[:at].count("\n\n") == page
    assert chunk.page_num <= page <= chunk.page_end
    if section:
        assert (chunk.section, chunk.subsection) == (section, subsection)


def test_every_document_has_version_date_and_programs(seeded_db):
    with seeded_db() as s:
        docs = s.scalars(select(PolicyDocument)).all()
        assert len(docs) == 8 and sum(d.page_count for d in docs) >= 45
        assert all(d.version and d.effective_date and d.programs for d in docs)
        assert {p for d in docs for p in d.programs} == {"conventional", "fha", "va", "usda", "jumbo", "all"}
        # metadata is fixed before chunking: every chunk carries its document's
        mismatched = s.scalar(
            select(func.count())
            .select_from(PolicyChunk)
            .join(PolicyDocument)
            .where(PolicyChunk.version != PolicyDocument.version)
        )
        assert mismatched == 0
