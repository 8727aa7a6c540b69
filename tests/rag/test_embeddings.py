"""The bundled MiniLM's backends: bf16 gives the float32 vectors to within rounding, from local files only."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embeddings import SentenceTransformerEmbedder, build_embedder, cpu_has_bf16

TEXTS = [
    "Conventional Guide / 5. Qualifying Ratios\nThe maximum back-end DTI ratio for a conventional loan is 45%.",
    "A servicer shall not charge a late fee on a payment received by the transferor servicer within 60 days.",
    "reserves",
]


@pytest.mark.integration
@pytest.mark.slow
def test_bf16_vectors_match_float32_and_load_offline(settings, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # any hub lookup would fail loudly
    fp32 = build_embedder(settings.model_copy(update={"embedding_backend": "torch"}))
    bf16 = build_embedder(settings.model_copy(update={"embedding_backend": "torch-bf16"}))
    assert isinstance(bf16, SentenceTransformerEmbedder) and bf16._bf16 == cpu_has_bf16()
    a, b = fp32.embed_documents(TEXTS), bf16.embed_documents(TEXTS)
    assert b.dtype == np.float32 and b.shape == (3, 384)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(a * b, axis=1)) > 0.999
    assert np.allclose(bf16.embed_query(TEXTS[0]), b[0], atol=1e-6)
