"""Fine-tune the domain reranker on the policy corpus and cache it under DATA_DIR (no database needed).

The corpus is parsed and chunked exactly as ingestion does; the model is written to a temporary
folder and moved into place with its metadata last, so a half-written model is never loaded.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.settings import Settings
from rag.chunking import chunk_document
from rag.embeddings import Embedder, build_embedder, resolve_model_path
from rag.ingest.service import expand_paths
from rag.pdf import parse_pdf
from rag.retrieval.bm25 import BM25Index
from rag.retrieval.rerank import DOMAIN_META, domain_reranker_dir
from rag.retrieval.rerank_training import (
    RECIPE_VERSION,
    Ranker,
    TrainConfig,
    build_pairs,
    corpus_fingerprint,
    interleave,
    passage_text,
    train_cross_encoder,
)
from rag.retrieval.rewrite import Glossary
from rag.retrieval.types import Chunk

log = logging.getLogger(__name__)

BASE_MODEL = "all-MiniLM-L6-v2"  # the bundled bi-encoder whose first layers start the cross-encoder
RANK_DEPTH = 20  # hard negatives come from each retriever's top 20, as the pipeline's candidate pools


@dataclass(frozen=True)
class TrainReport:
    path: Path
    status: str  # "trained" | "up to date"
    chunks: int
    queries: int
    pairs: int
    seconds: float = 0.0
    loss: float = float("nan")


def load_corpus(settings: Settings) -> list[Chunk]:
    """The policy corpus as ingestion chunks it, numbered in file order (ids are local to training)."""
    chunks: list[Chunk] = []
    for path in expand_paths([settings.policy_dir]):
        doc = parse_pdf(path.read_bytes(), fallback_name=path.stem)
        for d in chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap):
            chunks.append(
                Chunk(
                    id=len(chunks),
                    text=d.text,
                    doc_name=doc.meta.doc_name,
                    page_num=d.page_num,
                    page_end=d.page_end,
                    section=d.section,
                    subsection=d.subsection,
                    char_offset=d.char_offset,
                    char_end=d.char_end,
                    programs=doc.meta.programs,
                )
            )
    return chunks


def hybrid_ranker(chunks: Sequence[Chunk], embedder: Embedder, settings: Settings) -> Ranker:
    """BM25 and dense rankings over the contextual chunk texts, interleaved, as the pipeline sees them."""
    texts = [passage_text(c) for c in chunks]
    index = BM25Index.build(
        [(c.id, t, c.doc_name, c.programs) for c, t in zip(chunks, texts)], backend=settings.bm25_backend
    )
    doc_vecs = embedder.embed_documents(texts)
    ids = np.array([c.id for c in chunks])

    def rank(queries: Sequence[str]) -> list[list[int]]:
        dense = np.argsort(-(embedder.embed_documents(queries) @ doc_vecs.T), axis=1, kind="stable")[:, :RANK_DEPTH]
        return [
            interleave([cid for cid, _ in index.search(q, k=RANK_DEPTH)], ids[row].tolist())
            for q, row in zip(queries, dense)
        ]

    return rank


def metadata(config: TrainConfig, fingerprint: str) -> dict[str, object]:
    return {"recipe": RECIPE_VERSION, "base_model": BASE_MODEL, "corpus_fingerprint": fingerprint, **asdict(config)}


def is_current(path: Path, expected: dict[str, object]) -> bool:
    meta_path = path / DOMAIN_META
    if not meta_path.is_file():
        return False
    saved = json.loads(meta_path.read_text(encoding="utf-8"))
    return all(saved.get(key) == value for key, value in expected.items())


def train_domain_reranker(
    settings: Settings, config: TrainConfig, *, force: bool = False, progress: bool = True
) -> TrainReport:
    """Train (unless an identical model is cached) and save the domain reranker; return what was done."""
    out = domain_reranker_dir(settings)
    chunks = load_corpus(settings)
    meta = metadata(config, corpus_fingerprint(chunks))
    if not force and is_current(out, meta):
        return TrainReport(out, "up to date", len(chunks), 0, 0)
    started = time.perf_counter()
    embedder = build_embedder(settings)
    pairs = build_pairs(chunks, Glossary.load(), hybrid_ranker(chunks, embedder, settings))
    queries = sum(p.label == 1.0 for p in pairs)
    log.info("%d training pairs (%d queries) from %d chunks", len(pairs), queries, len(chunks))
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    base = resolve_model_path(BASE_MODEL, allow_download=False)
    loss = train_cross_encoder(pairs, base_path=base, out_dir=tmp, config=config, progress=progress)
    seconds = time.perf_counter() - started
    meta.update(
        pairs=len(pairs),
        queries=queries,
        chunks=len(chunks),
        final_epoch_loss=round(loss, 4),
        train_seconds=round(seconds, 1),
    )
    (tmp / DOMAIN_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return TrainReport(out, "trained", len(chunks), queries, len(pairs), seconds, loss)
