"""One table, one slot: the dense list keeps the best rows of each table and drops the rest.

A limits table is stored as one chunk per row (rag.tables), each with the table's caption and column
header as its context. Rows are short and share that context, so one question can bring several rows
of the same table to the top of a list ("Minimum credit score 580", "Total DTI guideline 41%", ... of
one summary table), where they crowd out the passages that state the rule in full. A list is a set of
sources to read: like a chunk scored by its best window, a table takes the place of its best row(s),
and its other rows make way for the next source. The rows dropped stay in the index: another query
finds them, and BM25 (which indexes the table in its section's chunk, not its rows) finds the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from rag.retrieval.types import ScoredChunk


def rows_per_table(hits: Iterable[ScoredChunk], *, k: int, per_table: int) -> list[ScoredChunk]:
    """The first `k` of `hits` (best first) keeping at most `per_table` rows of any one table; a table is
    a document and the caption and header its rows are read under. `per_table` 0 keeps every row."""
    if per_table <= 0:
        return list(hits)[:k]
    seen: dict[tuple[str, str], int] = {}
    kept: list[ScoredChunk] = []
    for hit in hits:
        context = hit.chunk.context
        if context:
            key = (hit.chunk.doc_name, context)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > per_table:
                continue
        kept.append(hit)
        if len(kept) == k:
            break
    return kept
