"""BM25 scores a chunk by its best passage: a one-paragraph fact in a long chunk is not diluted."""

import pytest

from rag.retrieval.bm25 import BM25Index, Bm25Params
from rag.retrieval.passages import passages

pytestmark = pytest.mark.unit

FILLER = [
    "The servicer keeps records of each payment received and posts it on the day it arrives.",
    "A notice sent by mail is treated as delivered three business days after it is mailed.",
    "Escrow statements show the opening balance, each deposit and each disbursement of the year.",
    "A clerk may correct an error found before the record is filed, without penalty.",
]
# a long numbered list: one short paragraph states the fact, thirty others do not
LONG = "\n".join(
    [f"({i}) {FILLER[i % len(FILLER)]}" for i in range(1, 16)]
    + ["(16) An institution that originated fewer than 25 closed-end mortgage loans in each year is excluded."]
    + [f"({i}) {FILLER[i % len(FILLER)]}" for i in range(17, 32)]
)
# short chunks sharing some of the question's words, none stating the fact
SUBJECTS = [
    "Closed-end mortgage loans",
    "An institution's loans",
    "Mortgage loans originated",
    "Excluded loans",
    "Closed-end loans an institution originated",
]
VERBS = [
    "are reported with the application date.",
    "are kept on the register for three years.",
    "are listed by census tract.",
    "are counted once a year.",
    "are reported by the institution.",
]
ROWS = [(1, f"Regulation / Coverage\n{LONG}", "Reg", ["all"])] + [
    (i, f"Regulation / Reporting\n{s} {v}", "Reg", ["all"])
    for i, (s, v) in enumerate(((s, v) for s in SUBJECTS for v in VERBS), start=2)
]
QUESTION = "Which institution that originated fewer than 25 closed-end mortgage loans is excluded?"


def _rank(index: BM25Index, chunk_id: int) -> int:
    ranked = [cid for cid, _ in index.search(QUESTION, k=len(ROWS))]
    return ranked.index(chunk_id) + 1


def test_a_one_paragraph_fact_in_a_long_list_chunk_is_top_five_by_its_best_passage():
    whole = BM25Index.build(ROWS, backend="bm25s")
    by_passage = BM25Index.build(ROWS, backend="bm25s", params=Bm25Params(passage_words=60, passage_overlap=30))
    assert _rank(whole, 1) > 5  # the list's other paragraphs dilute it
    assert _rank(by_passage, 1) == 1


def test_passages_keep_the_heading_line_and_cover_every_word():
    text = "Doc / Section\n" + " ".join(f"w{i}" for i in range(100))
    parts = passages(text, 40, 10)
    assert all(p.startswith("Doc / Section\n") for p in parts)
    assert {w for p in parts for w in p.split("\n", 1)[1].split()} == {f"w{i}" for i in range(100)}
    assert passages("Doc\nshort text", 40, 10) == ["Doc\nshort text"]


def test_paragraph_passages_join_numbered_paragraphs_up_to_the_size_and_keep_a_long_one_whole():
    body = (
        "2(g) Title\n1. First. " + "a " * 20 + "\n2. [Reserved]\n3. Third. " + "b " * 80 + "\ni. Fourth. " + "c " * 10
    )
    parts = [p.split("\n", 1)[1] for p in passages(f"Doc / Section\n{body}", 40, 0, by_paragraph=True)]
    assert [p.split()[0] for p in parts] == ["2(g)", "3.", "i."]  # title, 1. and 2. joined; 3. alone (too long)
    assert "2. [Reserved]" in parts[0] and len(parts[1].split()) == 82
    assert "".join(parts) == body


def test_the_fact_paragraph_is_found_by_paragraph_passages_too():
    by_paragraph = BM25Index.build(
        ROWS, backend="bm25s", params=Bm25Params(passage_words=60, passage_overlap=0, by_paragraph=True)
    )
    assert _rank(by_paragraph, 1) == 1


def test_settings_choose_the_passages_and_refuse_an_overlap_as_long_as_the_passage():
    from pydantic import ValidationError

    from core.settings import Settings
    from rag.retrieval.bm25 import bm25_params

    params = bm25_params(Settings(_env_file=None))
    assert (params.passage_words, params.by_paragraph, params.k1, params.b) == (60, True, 1.5, 0.75)
    assert bm25_params(Settings(_env_file=None, bm25_passage_words=0)).passage_words == 0
    with pytest.raises(ValidationError, match="BM25_PASSAGE_OVERLAP"):
        Settings(_env_file=None, bm25_passage_split="words", bm25_passage_words=60, bm25_passage_overlap=60)
