"""A retrieval trace (`RetrievalTrace.to_dict()`) shown stage by stage: rewrites, dense, BM25, RRF, links, MMR,
rerank."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from rag.retrieval.store import ChunkDetail

SNIPPET_CHARS = 160
HIT_COLUMNS = ["Rank", "Score", "Document", "Page", "Section", "Chunk", "Text"]
FIRST_STAGE = {"dense": "Dense (pgvector cosine)", "bm25": "BM25 (keywords)"}
LATER_STAGES = {
    "rrf": "Fused (reciprocal rank fusion)",
    "link": "Linked (an interpretation's rule paragraph placed after it)",
    "mmr": "Diversified (MMR)",
    "rerank": "Reranked (final)",
    "verify": "Verified by the configured LLM (replaces the reranked list)",
}


def trace_chunk_ids(trace: Mapping[str, Any]) -> set[int]:
    """Every chunk id a trace mentions, in any stage or in its results."""
    ids = {hit["id"] for stage in trace.get("stages", []) for hit in stage.get("hits", [])}
    return ids | {r["chunk_id"] for r in trace.get("results", [])}


def _pages(detail: ChunkDetail) -> str:
    return str(detail.page_num) if detail.page_end == detail.page_num else f"{detail.page_num}-{detail.page_end}"


def hits_frame(hits: list[Mapping[str, Any]], chunks: Mapping[int, ChunkDetail]) -> pd.DataFrame:
    """One row per ranked hit: rank, score and where the chunk lives (a deleted chunk shows as missing)."""
    rows = []
    for hit in hits:
        detail = chunks.get(hit["id"])
        if detail is None:
            rows.append([hit["rank"], hit["score"], "(chunk no longer in the corpus)", "", "", hit["id"], ""])
            continue
        snippet = " ".join(detail.text.split())
        if detail.context:  # a table row: its caption and column header first
            snippet = " ".join(detail.context.split()) + " | " + snippet
        snippet = snippet if len(snippet) <= SNIPPET_CHARS else snippet[:SNIPPET_CHARS].rstrip() + "..."
        rows.append([hit["rank"], hit["score"], detail.doc_name, _pages(detail), detail.where, detail.id, snippet])
    return pd.DataFrame(rows, columns=HIT_COLUMNS)


def timings_frame(trace: Mapping[str, Any]) -> pd.DataFrame:
    """Milliseconds per stage, first-stage lists summed over the query variants."""
    totals: dict[str, float] = {}
    for stage in trace.get("stages", []):
        totals[stage["stage"]] = totals.get(stage["stage"], 0.0) + float(stage.get("ms", 0.0))
    frame = pd.DataFrame({"Stage": list(totals), "ms": [round(v, 2) for v in totals.values()]})
    total = pd.DataFrame({"Stage": ["total"], "ms": [round(float(trace.get("total_ms", 0.0)), 2)]})
    return pd.concat([frame, total], ignore_index=True)


def _table(stage: Mapping[str, Any], chunks: Mapping[int, ChunkDetail]) -> None:
    note = f" · {stage['note']}" if stage.get("note") else ""
    st.caption(f"{len(stage.get('hits', []))} hits in {stage.get('ms', 0):.1f} ms{note}")
    st.dataframe(hits_frame(stage.get("hits", []), chunks), hide_index=True)


def _first_stage(trace: Mapping[str, Any], kind: str, chunks: Mapping[int, ChunkDetail]) -> None:
    lists = [s for s in trace.get("stages", []) if s["stage"] == kind]
    if not lists:
        return
    st.markdown(f"**{FIRST_STAGE[kind]}**, one list per query variant")
    tabs = st.tabs([f"Variant {i}" for i in range(1, len(lists) + 1)])
    for tab, stage in zip(tabs, lists):
        with tab:
            st.markdown(f"`{stage.get('query', '')}`")
            _table(stage, chunks)


def render_trace(trace: Mapping[str, Any], chunks: Mapping[int, ChunkDetail]) -> None:
    """Every stage of `trace` in order, each as a ranked table, then the stage timings."""
    filters = "; ".join(f"{k}: {', '.join(v)}" for k, v in (trace.get("filters") or {}).items() if v)
    st.markdown(f"Query: **{trace.get('query', '')}**")
    st.caption(f"Filters: {filters or 'none'} · top {trace.get('k', '?')} · {trace.get('total_ms', 0):.1f} ms in all")
    rewrite = next((s for s in trace.get("stages", []) if s["stage"] == "rewrite"), None)
    st.markdown("**Query rewriting**")
    if rewrite is not None:
        st.caption(f"{len(rewrite.get('variants', []))} variants in {rewrite.get('ms', 0):.1f} ms")
        for number, variant in enumerate(rewrite.get("variants", []), start=1):
            st.markdown(f"{number}. `{variant}`")
    else:
        st.caption("No rewriting recorded.")
    _first_stage(trace, "dense", chunks)
    _first_stage(trace, "bm25", chunks)
    for kind, title in LATER_STAGES.items():
        for stage in (s for s in trace.get("stages", []) if s["stage"] == kind):
            st.markdown(f"**{title}**")
            _table(stage, chunks)
    st.markdown("**Stage timings**")
    st.dataframe(timings_frame(trace), hide_index=True)
