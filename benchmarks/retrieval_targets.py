"""What a retrieval benchmark question asks for, and how a ranked list is scored against it.

A hit is a retrieved chunk from the reference document whose page span (page_num..page_end) includes the
reference page; on a page a reference lists as also stating its fact (`also_stated`), only a chunk holding one
of its quotes. A question's targets are its distinct references, each the set of pages that state it.
recall@k = share of targets hit in the top k; MRR = 1 / rank of the first hit in the top DEPTH (0 if none);
nDCG = binary gain at the first chunk that hits each target, divided by the ideal of every target at the top.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT
from core.text import normalise
from rag.retrieval import Chunk

EVAL_PATH = PROJECT_ROOT / "seed_data" / "loan_eval_dataset.json"
DEPTH = 10  # MRR and nDCG cut-off; recall is read from the first 5 of the same list

# (document name, 1-based page, quotes): a chunk on the page hits; with quotes (an `also_stated` page), only
# a chunk on the page that holds one of them (a summary table's other rows state other facts)
Target = tuple[str, int, tuple[str, ...]]
Targets = frozenset[frozenset[Target]]  # one entry per reference: the pages any of which states it


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    targets: Targets  # the references as written: one page each
    audited: Targets  # each reference with the other pages that state it (`also_stated`)


def load_questions(path: Path = EVAL_PATH) -> list[Question]:  # noqa: D103
    """The answerable questions of the eval set."""
    data = json.loads(path.read_text(encoding="utf-8"))["questions"]
    return [
        Question(
            q["id"],
            q["kind"],
            q["question"],
            frozenset(frozenset({(r["doc_name"], r["page_num"], ())}) for r in q["references"]),
            frozenset(frozenset(_pages(r)) for r in q["references"]),
        )
        for q in data
        if q["answerable"] and q["references"]
    ]


def _pages(reference: dict[str, Any]) -> set[Target]:
    """The reference's page, and the pages that also state it with their quotes."""
    doc = reference["doc_name"]
    also = {(doc, o["page_num"], tuple(normalise(q) for q in o["quotes"])) for o in reference.get("also_stated", ())}
    return {(doc, reference["page_num"], ()), *also}


def targets_hit(chunk: Chunk, targets: Targets) -> set[frozenset[Target]]:
    """The targets `chunk` hits: on the page, and holding a quote where the target has quotes."""
    text = normalise(chunk.text) if any(quotes for pages in targets for _, _, quotes in pages) else ""

    def states(doc: str, page: int, quotes: tuple[str, ...]) -> bool:
        on_page = chunk.doc_name == doc and chunk.page_num <= page <= chunk.page_end
        return on_page and (not quotes or any(q in text for q in quotes))

    return {pages for pages in targets if any(states(*target) for target in pages)}


def recall_at(chunks: Sequence[Chunk], targets: Targets, k: int) -> float:
    found = set().union(*(targets_hit(c, targets) for c in chunks[:k]))
    return len(found) / len(targets)


def reciprocal_rank(chunks: Sequence[Chunk], targets: Targets, k: int = DEPTH) -> float:
    return next((1.0 / rank for rank, c in enumerate(chunks[:k], start=1) if targets_hit(c, targets)), 0.0)


def ndcg_at(chunks: Sequence[Chunk], targets: Targets, k: int = DEPTH) -> float:
    seen: set[frozenset[Target]] = set()
    dcg = 0.0
    for rank, chunk in enumerate(chunks[:k], start=1):
        new = targets_hit(chunk, targets) - seen
        if new:
            seen |= new
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(targets), k) + 1))
    return dcg / ideal


def first_hit_rank(chunks: Sequence[Chunk], targets: Targets) -> int | None:
    return next((rank for rank, c in enumerate(chunks, start=1) if targets_hit(c, targets)), None)
