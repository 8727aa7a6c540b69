"""Embedding throughput per backend and thread scheme on the seed corpus's chunks, and how close each
backend's vectors are to the torch reference.

    python benchmarks/embedding.py [--backends torch,torch-bf16,onnx,onnx-int8] [--threads 1,2] [--workers 2]

`--threads`: one caller with that many torch threads (how queries run). `--workers`: that many
worker threads of one torch thread each (how ingestion runs with INGEST_THREADS).

The chunks are embedded as ingestion embeds them (contextual header + text). Backends run back to
back in one process, so they see the same machine load; compare ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks.common import machine_line, print_table  # noqa: E402
from core.settings import get_settings  # noqa: E402
from rag.chunking import chunk_document, contextual_text  # noqa: E402
from rag.embeddings import build_embedder  # noqa: E402
from rag.ingest import expand_paths  # noqa: E402
from rag.pdf import parse_pdf  # noqa: E402


def seed_texts() -> list[str]:
    settings = get_settings()
    texts = []
    for path in expand_paths([settings.policy_dir]):
        doc = parse_pdf(path.read_bytes(), fallback_name=path.stem)
        texts += [
            contextual_text(c.text, doc.meta.doc_name, c.section, c.subsection)
            for c in chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap)
        ]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,torch-bf16,onnx,onnx-int8")
    parser.add_argument("--threads", default="1,2", help="intra-op threads of a single worker")
    parser.add_argument("--workers", default="2", help="worker threads of one intra-op thread each ('' = none)")
    args = parser.parse_args()
    settings = get_settings()
    texts = seed_texts()
    reference = None
    rows = []
    schemes = [(int(t), 1) for t in args.threads.split(",") if t] + [(1, int(w)) for w in args.workers.split(",") if w]
    for backend in args.backends.split(","):
        for threads, workers in schemes:
            embedder = build_embedder(
                settings.model_copy(update={"embedding_backend": backend}), threads=threads, workers=workers
            )
            embedder.embed_documents(["warm up"])
            started = time.perf_counter()
            vectors = embedder.embed_documents(texts)
            seconds = time.perf_counter() - started
            if reference is None:
                reference = vectors
            cosines = np.sum(vectors * reference, axis=1)
            rows.append(
                [
                    backend,
                    threads,
                    workers,
                    len(texts),
                    f"{len(texts) / seconds:.1f}",
                    f"{cosines.min():.4f}",
                    f"{cosines.mean():.4f}",
                ]
            )
            print(" | ".join(map(str, rows[-1])), flush=True)
    print(machine_line())
    print_table(["backend", "threads", "workers", "chunks", "chunks/s", "min cosine vs first row", "mean cosine"], rows)


if __name__ == "__main__":
    main()
