"""What every embedder shares: the protocol, vector families, length-planned batches and the CPU's bf16
support. The backends (rag/embeddings.py for torch, rag/onnx_embedder.py, rag/openvino_embedder.py) import
this; the factory in rag/embeddings.py imports them, so no two of them import each other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import numpy as np

# Bump when the int8 OpenVINO copy's quantization recipe or calibration texts change: a new copy
# under DATA_DIR/models and a new vector family (rag/openvino_embedder.py).
INT8_RECIPE = "nncf-int8-transformer-seed-v1"


# OpenVINO's int8 kernels are as efficient on small batches, and small batches of similar lengths
# pad less: batches of 8 embedded 7-10% more chunks/s than 32 on this machine (2 workers).
OPENVINO_BATCH = 8


def backend_family(backend: str) -> str:
    """The ingest-key suffix of the vectors `backend` makes. torch, torch-bf16, onnx and openvino give
    the same vectors (cosine 0.9999+) and share the empty suffix every corpus was ingested under
    before; each int8 copy's vectors differ a little (cosine 0.99), each in its own way."""
    return {"onnx-int8": "|int8", "openvino-int8": f"|ov-int8|{INT8_RECIPE}"}.get(backend, "")


def vector_family(embedder: Embedder) -> str:
    """The family of the vectors `embedder` makes (a test double without one: the torch family)."""
    return getattr(embedder, "family", "")


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def length_batches(texts: Sequence[str], batch_size: int) -> list[np.ndarray]:
    """Indices of `texts`, longest first, cut into an even number of even batches of at most
    `batch_size` (little padding; two workers, the default on two cores, finish together).

    The plan depends on the texts only, never on how many workers run it: a batch's vectors depend
    (in the last bits) on which texts share it, so the same texts always get the same vectors.
    """
    order = np.argsort([-len(t) for t in texts], kind="stable")
    count = max(2, 2 * -(-len(texts) // (2 * batch_size)))
    return [batch for batch in np.array_split(order, count) if len(batch)]


def embed_in_batches(
    texts: Sequence[str], embed_batch: Callable[[list[str]], np.ndarray], *, dim: int, batch_size: int, workers: int = 1
) -> np.ndarray:
    """Vectors for `texts` in input order; with `workers` > 1 the batches run on that many threads
    (the models release the GIL while they compute, and each batch's result does not depend on the
    thread that ran it)."""
    out = np.empty((len(texts), dim), dtype=np.float32)
    batches = length_batches(texts, batch_size)
    jobs = [[texts[i] for i in batch] for batch in batches]
    if workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(min(workers, len(jobs)), thread_name_prefix="embed") as pool:
            results = list(pool.map(embed_batch, jobs))
    else:
        results = [embed_batch(job) for job in jobs]
    for batch, vectors in zip(batches, results):
        out[batch] = vectors
    return out


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slow."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
