"""Start-up without the model: an embedder that loads on its first vector, and a vector cache on disk.

`python -m agents.run FILE` spent most of its ~10 s importing sentence-transformers (and through it
transformers, scikit-learn and torch) and loading MiniLM, for a handful of query vectors whose texts
(the published rules' queries, the corpus's mined definitions) are the same in every run.

- `LazyEmbedder` knows its name, dimension and vector family from the settings; the model is built
  on the first `embed_*` call (once, under a lock).
- `CachedEmbedder` keeps the vectors it computed under DATA_DIR/cache/vectors: a later process that
  asks for the same texts reads them back and never loads the model. An entry is the exact float32
  array the model gave, so retrieval sees the same vectors as when it computed them. The directory is
  named by everything that could change a vector (model files, backend, thread count, batch size,
  library versions, the CPU's flags): a change starts a new directory. Entries are named by a hash of
  the texts: no text is written to disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from rag.embedding_base import Embedder

log = logging.getLogger(__name__)

# Longer lists are an ingestion's (documents embedded once, stored in the database): never cached here.
MAX_CACHED_TEXTS = 256
# A folder stops growing at this size (a long-lived dashboard asking new questions): 64 MiB is ~38,000 queries.
MAX_CACHE_BYTES = 64 * 2**20
_LIBRARIES = ("torch", "transformers", "sentence-transformers", "onnxruntime", "openvino", "nncf")


class LazyEmbedder:
    """An `Embedder` whose model is built by `factory` on the first vector asked of it."""

    def __init__(self, name: str, dim: int, family: str, factory: Callable[[], Embedder]):
        self.name, self.dim, self.family = name, dim, family
        self._factory = factory
        self._loaded: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._loaded is not None

    def loaded(self) -> Embedder:
        """The real embedder (built now if it was not yet)."""
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._factory()
        return self._loaded

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.loaded().embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.loaded().embed_query(text)


def unwrap(embedder: Embedder) -> Embedder:
    """The model-holding embedder under any lazy or caching wrapper (loaded if it was not)."""
    while isinstance(embedder, LazyEmbedder | CachedEmbedder):
        embedder = embedder.inner if isinstance(embedder, CachedEmbedder) else embedder.loaded()
    return embedder


class VectorCache:
    """Arrays of vectors in files under `directory`, one per (kind, texts); safe across processes
    (an entry is written to a temporary file and renamed into place)."""

    def __init__(self, directory: Path, dim: int, max_bytes: int = MAX_CACHE_BYTES):
        self.directory, self.dim, self.max_bytes = directory, dim, max_bytes
        self._used: int | None = None  # bytes in the folder, counted at the first write
        self._lock = threading.Lock()

    def _path(self, kind: str, texts: Sequence[str]) -> Path:
        digest = hashlib.sha256(json.dumps([kind, list(texts)], ensure_ascii=False).encode()).hexdigest()
        return self.directory / f"{digest}.npy"

    def get(self, kind: str, texts: Sequence[str]) -> np.ndarray | None:
        path = self._path(kind, texts)
        try:
            vectors: np.ndarray = np.load(path, allow_pickle=False)
        except (OSError, ValueError):  # not there yet, or unreadable: a miss
            return None
        if vectors.dtype != np.float32 or vectors.shape != (len(texts), self.dim):
            log.warning("ignoring the cached vectors in %s (shape %s)", path, vectors.shape)
            return None
        return vectors

    def put(self, kind: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep `vectors` for `texts`, unless the folder is full (then they are only computed, as before)."""
        path = self._path(kind, texts)
        try:
            with self._lock:
                if self._used is None:
                    self._used = (
                        sum(e.stat().st_size for e in os.scandir(self.directory)) if self.directory.is_dir() else 0
                    )
                if self._used >= self.max_bytes:
                    return
                self.directory.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
                with os.fdopen(fd, "wb") as out:
                    np.save(out, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
                    self._used += out.tell()
                os.replace(tmp, path)
        except OSError as exc:  # a read-only or full disk costs speed, never a result
            log.warning("could not cache vectors in %s: %s", self.directory, exc)


class CachedEmbedder:
    """`inner`'s vectors, read from `cache` where an earlier process computed them."""

    def __init__(self, inner: Embedder, cache: VectorCache):
        self.inner, self.cache = inner, cache
        self.name, self.dim = inner.name, inner.dim
        self.family = getattr(inner, "family", "")
        self._query = lru_cache(maxsize=2048)(self._cached_query)

    def embed_query(self, text: str) -> np.ndarray:
        return self._query(text)

    def _cached_query(self, text: str) -> np.ndarray:
        vectors = self.cache.get("query", [text])
        if vectors is None:
            vectors = np.asarray(self.inner.embed_query(text), dtype=np.float32)[None, :]
            self.cache.put("query", [text], vectors)
        vector: np.ndarray = vectors[0]
        vector.setflags(write=False)
        return vector

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts or len(texts) > MAX_CACHED_TEXTS:
            return self.inner.embed_documents(texts)
        vectors = self.cache.get("documents", texts)
        if vectors is None:
            vectors = np.asarray(self.inner.embed_documents(texts), dtype=np.float32)
            self.cache.put("documents", texts, vectors)
        return vectors


def _versions() -> dict[str, str]:
    found = {}
    for name in _LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def _cpu_flags() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return ""
    return next((line.partition(":")[2].strip() for line in lines if line.startswith("flags")), "")


def _model_files(model_path: str) -> list[tuple[str, int, int]]:
    """(name, size, mtime) of the model folder's files: new weights, a new directory."""
    root = Path(model_path)
    if not root.is_dir():
        return []
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size, int(p.stat().st_mtime)) for p in root.rglob("*") if p.is_file()
    )


def cache_identity(*, model: str, model_path: str, backend: str, family: str, threads: int, batch_size: int) -> str:
    """A name for everything a vector depends on besides its text."""
    parts = {
        "model": model,
        "files": _model_files(model_path),
        "backend": backend,
        "family": family,
        "threads": threads,
        "batch_size": batch_size,
        "versions": _versions(),
        "cpu": _cpu_flags(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]
