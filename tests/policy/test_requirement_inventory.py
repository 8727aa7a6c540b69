"""The requirement inventory covers every obligation sentence of the INGESTED corpus (issue 9, item 1)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ConfigurationError
from core.models import PolicyChunk, PolicyDocument
from core.settings import PROJECT_ROOT
from policy.inventory.entries import (
    DEFAULT_INVENTORY_PATH,
    KINDS,
    UNCLASSIFIED,
    coverage_gaps,
    document_text,
    draft_entry,
    load_inventory,
    stale_entries,
)
from policy.rules import load_rules
from policy.sentences import is_obligation, obligation_sentences, split_sentences
from rag.chunking import chunk_document
from rag.pdf import parse_pdf
from seed_data.regulations.render import REALDOCS

ADDED = "Overlay: every borrower must hold a valid passport issued at least six months before closing."


def ingested_texts(session: Session) -> dict[str, str]:
    """Each ingested document's text, rebuilt from its chunks in the database."""
    rows = session.execute(
        select(PolicyDocument.file_name, PolicyChunk.char_offset, PolicyChunk.char_end, PolicyChunk.text).join(
            PolicyChunk, PolicyChunk.document_id == PolicyDocument.id
        )
    ).all()
    by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for name, lo, hi, text in rows:
        by_doc[Path(name).stem].append((lo, hi, text))
    return {doc: document_text(chunks) for doc, chunks in by_doc.items()}


@pytest.fixture(scope="module")
def corpus(seeded_engine) -> dict[str, str]:
    with Session(seeded_engine) as session:
        return ingested_texts(session)


@pytest.mark.integration
def test_every_obligation_sentence_of_the_ingested_corpus_is_mapped(corpus):
    inv = load_inventory()
    assert set(corpus) == set(inv.doc_programs)
    gaps = coverage_gaps(corpus, inv)
    assert gaps == [], (
        "unmapped obligation sentences (run `python -m policy.inventory.entries --draft`):\n"
        + "\n".join(f"{doc}: {s}" for doc, s in gaps)
    )
    assert stale_entries(corpus, inv) == []
    assert len(inv.requirements) > 400  # the whole corpus, not a sample


@pytest.mark.integration
def test_a_new_obligation_sentence_without_a_mapping_fails_the_check(tmp_path, settings, monkeypatch):
    """Add one sentence to a copy of a policy source, render and chunk it the way ingest does: it is reported."""
    sys.path.insert(0, str(PROJECT_ROOT / "seed_data" / "policies"))
    import render  # noqa: PLC0415  (the policy renderer is a script, not a package)

    monkeypatch.setattr(render, "HERE", tmp_path)  # never overwrite the committed PDF

    src = tmp_path / "src" / "conventional.md"
    src.parent.mkdir()
    shutil.copy(PROJECT_ROOT / "seed_data" / "policies" / "src" / "conventional.md", src)
    text = src.read_text(encoding="utf-8")
    anchor = "The minimum credit score for a conventional loan is 620."
    src.write_text(text.replace(anchor, anchor + " " + ADDED), encoding="utf-8")
    pdf = render.render(src)
    doc = parse_pdf(pdf.read_bytes(), fallback_name="conventional")
    chunks = chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap)
    rebuilt = document_text((c.char_offset, c.char_end, c.text) for c in chunks)
    assert coverage_gaps({"conventional": rebuilt}, load_inventory()) == [("conventional", ADDED)]


def test_a_drafted_sentence_is_unclassified_and_the_inventory_refuses_it(tmp_path):
    """The draft helper never guesses a kind; an inventory carrying its draft does not load until a person decides."""
    draft = draft_entry("conventional", ADDED, 999)
    assert draft["maps_to"] == UNCLASSIFIED and "conventional.min_credit_score" in draft["candidate_rules"]
    base = json.loads(DEFAULT_INVENTORY_PATH.read_text())
    path = tmp_path / "inv.json"
    path.write_text(json.dumps({**base, "requirements": base["requirements"] + [draft]}))
    with pytest.raises(ConfigurationError, match="'conventional.999': unclassified"):
        load_inventory(path)


def test_every_entry_is_one_of_the_five_kinds_and_each_non_obligation_says_why():
    reqs = load_inventory().requirements
    assert {r.maps_to for r in reqs} == set(KINDS)
    assert all(r.why and "\n" not in r.why for r in reqs if r.maps_to == "not_obligation")
    assert all(not r.applies_when for r in reqs if r.maps_to in ("standard_condition", "not_obligation", "rule"))


def test_inventory_maps_each_sentence_once_and_every_number_comes_from_its_sentence():
    inv = load_inventory()
    keys = [(r.doc, r.sentence) for r in inv.requirements]
    assert len(keys) == len(set(keys))
    for req in inv.requirements:
        for number in _numbers(req.applies_when):
            shown = f"{number:,}" if number >= 10000 else str(number)
            assert number == 0 or shown in req.sentence, (req.id, number)


def test_a_sentence_a_rule_states_is_mapped_to_that_rule():
    """A sentence the engine evaluates must not be carried only as a condition (or as another rule)."""
    rules = load_rules()
    wrong = []
    for req in load_inventory().requirements:
        stated = {r.id for r in rules if r.doc_id == req.doc and r.citation.sentence in req.sentence}
        if stated - set(req.rules):
            wrong.append((req.id, req.maps_to, sorted(stated - set(req.rules))))
    assert wrong == []


def _numbers(when) -> list:
    out = []
    for name, cond in when.items():
        if name == "any":
            out += [n for alt in cond for n in _numbers(alt)]
        elif isinstance(cond, dict):
            out += list(cond.values())
    return out


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"maps_to": "review"}, "needs `applies_when`"),
        ({"maps_to": "file_condition"}, "needs `applies_when`"),
        ({"maps_to": "rule", "rules": ["nope.rule"]}, "nope.rule"),
        ({"maps_to": "file_condition", "applies_when": {"ltv": {"above": 3}}}, "comparisons"),
        ({"maps_to": "review", "applies_when": {"bankruptcy_date": {"gt": 3}}}, "not an application field"),
        ({"maps_to": "condition"}, "maps_to 'condition' must be one of"),  # the pre-issue-20 mapping
        ({"maps_to": "obligation"}, "must be one of"),
        ({"maps_to": "unclassified"}, "unclassified"),
        ({"maps_to": "not_obligation"}, "why"),
        ({"maps_to": "not_obligation", "why": "Two\nlines."}, "one line"),
        ({"maps_to": "standard_condition", "applies_when": {"ltv": {"gt": 3}}}, "has no `applies_when`"),
        ({"maps_to": "standard_condition", "rules": ["conventional.max_dti"]}, "`rules` is required exactly"),
    ],
)
def test_a_mapping_that_is_not_one_of_the_kinds_is_refused(tmp_path, bad, message):
    base = json.loads(DEFAULT_INVENTORY_PATH.read_text())
    item = {"id": "x.001", "doc": "conventional", "sentence": "Something must happen.", **bad}
    path = tmp_path / "inv.json"
    path.write_text(json.dumps({**base, "requirements": [item]}))
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_inventory(path)


@pytest.mark.parametrize(
    "sentence",
    [
        "Loans above 95% LTV must be fixed-rate.",
        "Gifts are not permitted on an investment property.",
        "A borrower with a score below 500 is not eligible for FHA financing.",
        "HUD allows some borrowers; we do not.",
        "Funds may not be borrowed.",
        "The DTI ratio is no more than 43%.",
        "Unverified cash income is never used.",
        "Paragraph (b)(1) of this section shall not apply.",
    ],
)
def test_obligation_words(sentence):
    assert is_obligation(sentence)


def test_descriptive_sentences_are_not_obligations():
    assert not is_obligation("The representative score is the middle of three bureau scores.")
    assert not is_obligation("LTV is the loan amount divided by the value.")


def test_split_handles_pdf_line_breaks_bullets_headings_and_page_breaks():
    text = (
        "3.1 Minimum Credit Score\nThe minimum credit score for a conventional loan is 620. The representative\n"
        "score is the middle of three.\nThese items always require a human underwriter's signature:\n"
        "– Any LTV above 95%.\n– A borrower with self-employment income or rental income used to qualify.\n"
        "We do not approve any loan above 50%, and we require a human underwriter\n\nand documented factors.\n"
    )
    assert split_sentences(text) == [
        "The minimum credit score for a conventional loan is 620.",
        "The representative score is the middle of three.",
        "These items always require a human underwriter's signature:",
        "– Any LTV above 95%.",
        "– A borrower with self-employment income or rental income used to qualify.",
        "We do not approve any loan above 50%, and we require a human underwriter and documented factors.",
    ]
    # list items under an obliging lead-in are obligations even without an obligation word
    assert "– Any LTV above 95%." in obligation_sentences(text)


def test_split_real_regulation_text():
    """Regulation X, 12 CFR 1024.15(b) (public domain): citations and U.S.C. do not end a sentence."""
    text = (
        "An affiliated business arrangement is not a violation of section 8 of RESPA (12 U.S.C. 2607) and of "
        "§ 1024.14 if the conditions set forth in this section are satisfied. Paragraph (b)(1) of this section "
        "shall not apply to the extent it is inconsistent with section 8(c)(4)(A) of RESPA (12 U.S.C. 2607(c)(4)(A))."
    )
    assert len(split_sentences(text)) == 2
    assert split_sentences(
        "This part implements the Act, 12 U.S.C. 2601 et seq., as amended. Every lender must "
        "comply (e.g., a bank). 1. Definitions apply."
    ) == [
        "This part implements the Act, 12 U.S.C. 2601 et seq., as amended.",
        "Every lender must comply (e.g., a bank).",
        "1. Definitions apply.",
    ]


@pytest.mark.skipif(not REALDOCS.exists(), reason="the shared real-regulation corpus is not on this machine")
@pytest.mark.parametrize("name", ["reg_x_12cfr1024_2017-21912.xml.gz", "reg_c_12cfr1003_2017-18284_20180101.xml.gz"])
def test_split_whole_real_regulations(name):
    """No sentence of Reg X or Reg C starts in lower case (a split inside one) or is a bare item number."""
    root = ET.fromstring(gzip.open(REALDOCS / name).read())
    text = "\n".join(
        (p.get("marker", "") + " " + "".join(c.itertext()).strip()).strip()
        for p in root.iter("{eregs}paragraph")
        if (c := p.find("{eregs}content")) is not None
    )
    sentences = split_sentences(text)
    assert len(sentences) > 300
    assert [
        s for s in sentences if s[:1].islower() and not re.match(r"[a-z]{1,3}\. ", s)
    ] == []  # "a. Code 1 ..." items
    assert [s for s in sentences if re.fullmatch(r"\d{1,3}\.", s)] == []
