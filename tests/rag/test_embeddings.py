"""The bundled MiniLM's backends: bf16 gives the float32 vectors to within rounding, from local files only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.embeddings import (
    SentenceTransformerEmbedder,
    build_embedder,
    embed_in_batches,
    length_batches,
    with_workers,
)
from tests.rag.support import TEXTS


def native_bf16_from_cpu_flags() -> bool | None:
    """Whether the kernel lists AVX512-BF16 or AMX-BF16 among the CPU's flags (None where /proc/cpuinfo is not
    there): an expectation read apart from torch, which the embedder asks."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    flags = {flag for line in lines if line.startswith("flags") for flag in line.partition(":")[2].split()}
    return bool(flags & {"avx512_bf16", "amx_bf16"})


@pytest.mark.integration
@pytest.mark.slow
def test_bf16_vectors_match_float32_and_load_offline(settings, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # any hub lookup would fail loudly
    fp32 = build_embedder(settings.model_copy(update={"embedding_backend": "torch"}))
    bf16 = build_embedder(settings.model_copy(update={"embedding_backend": "torch-bf16"}))
    native = native_bf16_from_cpu_flags()
    assert isinstance(bf16, SentenceTransformerEmbedder) and fp32._bf16 is False
    assert native is None or bf16._bf16 is native  # bf16 exactly where the CPU multiplies it natively
    a, b = fp32.embed_documents(TEXTS), bf16.embed_documents(TEXTS)
    assert b.dtype == np.float32 and b.shape == (3, 384)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(a * b, axis=1)) > 0.999
    q = bf16.embed_query(TEXTS[0])
    if bf16._bf16:  # native bf16: a lone query and a padded batch take different kernels (seen on CI's CPU)
        assert float(q @ b[0]) > 0.999
    else:  # float32 underneath: the query path is the documents' path
        assert np.allclose(q, b[0], atol=1e-6)


def _fingerprint_batch(texts: list[str]) -> np.ndarray:
    """A stand-in model: each text's vector records its length and first character."""
    return np.array([[len(t), ord(t[0]), len(texts)] for t in texts], dtype=np.float32)


@pytest.mark.unit
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batches_come_back_in_input_order_whatever_the_workers(workers):
    texts = [chr(97 + i % 26) * (1 + (i * 7) % 40) for i in range(53)]
    vectors = embed_in_batches(texts, _fingerprint_batch, dim=3, batch_size=8, workers=workers)
    assert vectors[:, :2].tolist() == [[len(t), ord(t[0])] for t in texts]
    assert embed_in_batches([], _fingerprint_batch, dim=3, batch_size=8, workers=workers).shape == (0, 3)


@pytest.mark.unit
def test_the_batch_plan_depends_on_the_texts_only():
    texts = [f"text {'x' * (i % 17)}" for i in range(70)]
    batches = length_batches(texts, 16)
    assert len(batches) % 2 == 0 and max(map(len, batches)) <= 16
    assert sorted(int(i) for batch in batches for i in batch) == list(range(70))
    lengths = [len(texts[i]) for batch in batches for i in batch]
    assert lengths == sorted(lengths, reverse=True)  # similar lengths share a batch: little padding


@pytest.mark.integration
@pytest.mark.slow
def test_two_workers_give_exactly_the_one_worker_vectors(settings):
    import torch

    small = settings.model_copy(update={"embedding_batch_size": 4})  # 11 texts -> 4 batches
    texts = [*TEXTS, *(f"{t} Section {i}." for i, t in enumerate(TEXTS * 2)), "escrow", "a " * 300]
    one = build_embedder(small, threads=1)
    two = build_embedder(small, threads=1, workers=2)
    a = one.embed_documents(texts)
    torch.set_num_threads(2)
    try:
        b = two.embed_documents(texts)
        assert torch.get_num_threads() == 2  # the workers' one thread each does not outlive the call
    finally:
        torch.set_num_threads(settings.torch_threads)
    assert np.array_equal(a, b)
    for i in (0, 4, len(texts) - 1):  # in input order
        assert float(a[i] @ one.embed_query(texts[i])) > 0.9999
    view = with_workers(one, 2)  # the dashboard's ingest: the query embedder's model on two workers
    assert view is not one and view._model is one._model and one._workers == 1
    assert np.array_equal(view.embed_documents(texts), a)
    assert with_workers(one, 1) is one
