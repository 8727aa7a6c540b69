"""Interpretation -> rule links: the CFR's numbering read from labels and lines, the rule placed after its
interpretation, and the real Regulation C, whose every numbered interpretation links to its rule paragraph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from core.models import PolicyChunk
from core.settings import PROJECT_ROOT
from rag.retrieval import Retriever
from rag.retrieval.links import (
    Reference,
    interpreted_reference,
    link_rules,
    paragraph_starts,
    path_key,
    rule_chunk_for,
    rule_label,
    rule_reference,
    with_rules,
)
from rag.retrieval.rerank import NoOpReranker
from rag.retrieval.store import CHUNK_COLUMNS, chunk_from_row
from rag.retrieval.types import Chunk, ScoredChunk
from tests.conftest import _fresh_database

REG_C = "Regulation C - Home Mortgage Disclosure (12 CFR Part 1003)"
RULES_SECTION = "§ 1003.3 Exempt institutions and excluded transactions."
COMMENT_SECTION = "Section 1003.3—Exempt Institutions and Excluded Transactions"


def chunk(cid: int, text: str, section: str | None, subsection: str | None, doc: str = REG_C) -> Chunk:
    return Chunk(id=cid, text=text, doc_name=doc, page_num=cid, page_end=cid, section=section, subsection=subsection)


RULES = [
    chunk(
        1,
        "§ 1003.3 Exempt institutions and excluded transactions.\n(a) Exemption based on state law.",
        RULES_SECTION,
        None,
    ),
    chunk(
        2,
        "(c) Excluded transactions. The requirements of this part do not apply to:\n"
        "(1) A loan originated in a fiduciary capacity;\n(2) A loan secured by a lien on unimproved land;\n"
        "(3) Temporary financing;\n(4) The purchase of an"
        " interest in a pool of loans;",
        RULES_SECTION,
        "§ 1003.3(c)(1)",
    ),
    chunk(
        3,
        "(9) A loan used primarily for agricultural purposes, as described under paragraph\n(c)(2) of this section;\n"
        "(10) A loan made primarily for a business or commercial purpose;",
        RULES_SECTION,
        "§ 1003.3(c)(9)",
    ),
]
COMMENT_9 = chunk(
    10,
    "Paragraph 3(c)(9)\n1. Agricultural purposes. Section 1003.3(c)(9) provides that an institution does not ...",
    COMMENT_SECTION,
    "Paragraph 3(c)(9)",
)
COMMENT_3 = chunk(
    11,
    "Paragraph 3(c)(3)\n1. Temporary financing. Section 1003.3(c)(3) provides ...",
    COMMENT_SECTION,
    "Paragraph 3(c)(3)",
)


def scored(*chunks: Chunk) -> list[ScoredChunk]:
    return [ScoredChunk(c, float(len(chunks) - i)) for i, c in enumerate(chunks)]


@pytest.mark.unit
def test_labels_name_rule_paragraphs_and_the_paragraphs_interpretations_interpret():
    assert rule_reference("§ 1003.3(c)(5)") == Reference("1003", "3", ("c", "5"))
    assert rule_reference("§ 1003.6(a) Administrative enforcement.") == Reference("1003", "6", ("a",))
    assert rule_reference("§ 1024.41—Loss Mitigation Procedures.") is None  # the commentary's heading, not a rule
    assert rule_reference("4.2 Reserves") is None and rule_reference(None) is None
    assert rule_label(RULES[0]) == Reference("1003", "3", ())  # a section's first chunk: its heading
    assert interpreted_reference(COMMENT_9) == Reference("1003", "3", ("c", "9"))
    two_g = chunk(12, "2(g) Financial Institution\n1. ...", "Section 1003.2—Definitions", "2(g) Financial Institution")
    assert interpreted_reference(two_g) == Reference("1003", "2", ("g",))
    # a rule chunk, a label of another section than its heading, a policy guide: no reference
    assert interpreted_reference(RULES[1]) is None
    assert interpreted_reference(chunk(13, "x", COMMENT_SECTION, "Paragraph 4(a)(1)")) is None
    assert interpreted_reference(chunk(14, "x", "4 Reserves", "4.2 Reserve Requirements")) is None


@pytest.mark.unit
def test_paragraph_levels_follow_the_cfr():
    assert path_key(("c", "9")) < path_key(("c", "10")) < path_key(("d",))  # numbers, not strings
    assert path_key(("a", "1", "iv")) < path_key(("a", "1", "v")) < path_key(("a", "1", "ix"))  # roman at level 3
    assert path_key(("i",)) > path_key(("h",))  # a letter at level 1
    assert path_key(("a", "1", "ii", "B")) == (1, 1, 2, 2)


@pytest.mark.unit
def test_paragraph_starts_read_line_numbers_and_skip_references_wrapped_onto_a_line():
    starts = [path for path, _ in paragraph_starts(RULES)]
    assert starts == [("a",), ("c",), ("c", "1"), ("c", "2"), ("c", "3"), ("c", "4"), ("c", "9"), ("c", "10")]
    # "(1)(i)" on one line opens two levels; "(i)" after "(h)" with no number under it is a letter
    text = "(h) Home equity.\n(i) Home improvement.\n(1)(i) By March 1 ...\n(ii) Later.\n(A) One;"
    nested = [chunk(1, text, "s", None)]
    assert [p for p, _ in paragraph_starts(nested)] == [
        ("h",),
        ("i",),
        ("i", "1"),
        ("i", "1", "i"),
        ("i", "1", "ii"),
        ("i", "1", "ii", "A"),
    ]


@pytest.mark.unit
def test_the_rule_chunk_is_where_the_paragraph_starts_or_else_the_last_labelled_before_it():
    assert rule_chunk_for(Reference("1003", "3", ("c", "3")), RULES).id == 2  # inside a chunk labelled (c)(1)
    assert rule_chunk_for(Reference("1003", "3", ("c", "9")), RULES).id == 3
    assert rule_chunk_for(Reference("1003", "3", ("c", "7")), RULES).id == 2  # not in the text: label (c)(1)
    assert rule_chunk_for(Reference("1003", "3", ("a",)), RULES).id == 1
    assert rule_chunk_for(Reference("1003", "3", ("c", "3")), []) is None


@pytest.mark.unit
def test_an_interpretation_near_the_top_brings_its_rule_right_after_it():
    rules = {(REG_C, Reference("1003", "3", ("c", "9"))): RULES, (REG_C, Reference("1003", "3", ("c", "3"))): RULES}
    other = chunk(20, "An unrelated passage.", "§ 1003.5 Disclosure and reporting.", "§ 1003.5(a)(1)")
    hits = scored(COMMENT_9, other, RULES[0], RULES[2])
    linked = link_rules(hits, rules, depth=1).hits
    assert [h.chunk.id for h in linked] == [10, 3, 20, 1]  # moved up from rank 4, not repeated
    assert linked[1].score == linked[0].score
    assert link_rules(hits, rules, depth=1).note() == "Paragraph 3(c)(9) -> § 1003.3(c)(9)"
    # outside the depth, or already above: the order stands
    assert [h.chunk.id for h in link_rules(scored(other, COMMENT_9, RULES[1]), rules, depth=1).hits] == [20, 10, 2]
    assert [h.chunk.id for h in link_rules(scored(RULES[2], COMMENT_9), rules, depth=2).hits] == [3, 10]
    # an absent rule is added; the list grows by one
    assert [h.chunk.id for h in link_rules(scored(COMMENT_3, other), rules, depth=1).hits] == [11, 2, 20]


@pytest.mark.unit
def test_a_guide_numbered_another_way_is_left_in_its_order():
    guide = [chunk(i, f"4.{i} Reserves text", "4 Reserves", f"4.{i} Reserves", doc="Guide") for i in range(1, 5)]
    assert [h.chunk.id for h in link_rules(scored(*guide), {}, depth=3).hits] == [1, 2, 3, 4]


# -- the real Regulation C, rendered from the CFPB's RegML (seed_data/regulations) --------------------------


@pytest.fixture(scope="module")
def reg_c(server_url, embedder, settings) -> Engine:
    from rag.ingest import ingest_paths

    engine = _fresh_database(server_url, "lg_links_reg_c")
    pdf = Path(PROJECT_ROOT / "seed_data" / "regulations" / "regulation_c_12cfr1003.pdf")
    (report,) = ingest_paths([pdf], session_factory=sessionmaker(bind=engine), embedder=embedder, settings=settings)
    assert report.status == "ingested", report.line()
    yield engine
    engine.dispose()


@pytest.mark.integration
@pytest.mark.slow
def test_every_numbered_interpretation_of_regulation_c_links_to_the_chunk_opening_its_paragraph(reg_c):
    factory = sessionmaker(bind=reg_c)
    with factory() as session:
        chunks = [chunk_from_row(r) for r in session.execute(select(*CHUNK_COLUMNS).order_by(PolicyChunk.id))]
        interpretations = [(c, ref) for c in chunks if (ref := interpreted_reference(c)) is not None]
        assert len(interpretations) >= 100  # Supplement I's paragraph comments
        for comment, ref in interpretations:
            linked = with_rules(session, [ScoredChunk(comment, 1.0)], 1, None).hits
            assert len(linked) == 2, comment.subsection
            rule = linked[1].chunk
            assert rule.doc_name == REG_C and rule_label(rule).section == ref.section
            # the paragraph's own number opens a line of the linked chunk: "(9) A closed-end mortgage loan ..."
            opens = re.compile(rf"(?:^|\n)\s*(?:\([A-Za-z0-9]+\))*\({re.escape(ref.path[-1])}\)(?:\s|$)")
            assert opens.search(rule.text), (comment.subsection, rule.subsection)


@pytest.mark.integration
@pytest.mark.slow
def test_a_question_answered_by_the_commentary_also_retrieves_the_rule_it_interprets(reg_c, embedder, settings):
    """Asked in the commentary's words, the interpretation ranks first; the rule paragraph, stated in
    one line whose subject is in the paragraph above it, follows it (it ranked 6th without the link)."""
    retriever = Retriever(
        session_factory=sessionmaker(bind=reg_c), embedder=embedder, reranker=NoOpReranker(), settings=settings
    )
    result = retriever.retrieve("Are loans used primarily for agricultural purposes reported under HMDA?", k=5)
    subsections = [h.chunk.subsection for h in result.chunks]
    first = subsections.index("Paragraph 3(c)(9)")
    rule = result.chunks[first + 1].chunk
    assert "(9) A closed-end mortgage loan or open-end line of credit" in rule.text and rule.page_num == 6
    (link,) = result.trace.stage("link")
    assert link.note == f"Paragraph 3(c)(9) -> {rule.subsection}"
    unlinked = Retriever(
        session_factory=sessionmaker(bind=reg_c),
        embedder=embedder,
        reranker=NoOpReranker(),
        settings=settings.model_copy(update={"rule_links": 0}),
    ).retrieve("Are loans used primarily for agricultural purposes reported under HMDA?", k=5)
    assert rule.id not in [h.chunk.id for h in unlinked.chunks] and not unlinked.trace.stage("link")
