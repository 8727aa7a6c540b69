"""Command line: retrieve for a query and print each stage's ranked list (or the result as JSON)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from core.errors import LoanGraphError
from rag.retrieval import Filters, RetrievalResult, ScoredChunk, StageTrace, get_retriever
from rag.types import PROGRAMS


def result_to_json(result: RetrievalResult) -> dict[str, Any]:
    """Results best first with their text and citation fields, plus the compact trace."""
    return {
        "query": result.query,
        "results": [
            {"rank": rank, "text": hit.chunk.text, "score": round(hit.score, 6), **hit.chunk.citation.to_dict()}
            for rank, hit in enumerate(result.chunks, start=1)
        ],
        "trace": result.trace.to_dict(),
    }


def _row(rank: int, hit: ScoredChunk) -> str:
    c = hit.chunk
    pages = str(c.page_num) if c.page_end == c.page_num else f"{c.page_num}-{c.page_end}"
    where = (c.subsection or c.section or "")[:40]
    return f"  {rank:>4}  {hit.score:>9.4f}  {c.id:>6}  {c.doc_name[:40]:<40}  {pages:>5}  {where}"


def _stage_table(stage: StageTrace, limit: int) -> list[str]:
    title = f"{stage.stage}" + (f" [{stage.query}]" if stage.query else "") + (f" ({stage.note})" if stage.note else "")
    lines = [f"\n== {title}: {stage.ms:.1f} ms"]
    if stage.stage == "rewrite":
        return lines + [f"  {i}. {v}" for i, v in enumerate(stage.variants, start=1)]
    if not stage.hits:
        return lines + ["  (no hits)"]
    lines.append(f"  {'rank':>4}  {'score':>9}  {'id':>6}  {'document':<40}  {'page':>5}  section")
    lines += [_row(rank, hit) for rank, hit in enumerate(stage.hits[:limit], start=1)]
    if len(stage.hits) > limit:
        lines.append(f"  ... {len(stage.hits) - limit} more")
    return lines


def render_text(result: RetrievalResult, limit: int) -> str:
    trace = result.trace
    lines = [f"query: {result.query}   filters: {trace.filters.to_dict()}   total: {trace.total_ms:.1f} ms"]
    for stage in trace.stages:
        lines += _stage_table(stage, limit)
    lines.append("\n== results")
    for rank, hit in enumerate(result.chunks, start=1):
        snippet = " ".join(hit.chunk.text.split())[:200]
        lines += [f"  {rank}. {hit.chunk.citation.label()}  (score {hit.score:.4f})", f"     {snippet}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.search", description="Search the policy library.")
    parser.add_argument("query")
    parser.add_argument("--json", action="store_true", help="print results and trace as JSON")
    parser.add_argument("-k", type=int, default=5, help="results to return (default 5)")
    parser.add_argument(
        "--doc", action="append", default=[], metavar="DOC_NAME", help="only this document (repeatable)"
    )
    parser.add_argument(
        "--program", action="append", default=[], choices=PROGRAMS, help="only this loan program (repeatable)"
    )
    parser.add_argument("--rows", type=int, default=10, help="rows per stage table (default 10)")
    args = parser.parse_args(argv)
    # argv bytes that are not UTF-8 arrive as lone surrogates, which the tokenizer cannot take
    args.query = args.query.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if not args.query.strip():
        parser.error("empty query")  # before loading the database and models
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = get_retriever().retrieve(args.query, Filters(tuple(args.doc), tuple(args.program)), args.k)
    except (LoanGraphError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result_to_json(result), indent=2) if args.json else render_text(result, args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
