"""The default ingest backend: a static int8 OpenVINO copy of the bundled MiniLM, quantized here.

It must come from local files only, agree with the torch vectors the queries use, give the same
vectors on one or two workers, and be quantized once per models folder (the copy is reused).
"""

from __future__ import annotations

import numpy as np
import pytest

from rag.embeddings import backend_family, build_embedder, build_ingest_embedder, vector_family, with_workers
from rag.openvino_embedder import OpenVinoEmbedder
from tests.rag.support import TEXTS

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def int8(settings):
    return build_ingest_embedder(settings)  # the default ingest backend, 2 workers


def test_int8_copy_is_made_locally_and_agrees_with_the_query_model(int8, embedder, settings, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert isinstance(int8, OpenVinoEmbedder) and vector_family(int8) == backend_family("openvino-int8") != ""
    copies = list(settings.model_cache_dir.glob("*-openvino-*/model.xml"))
    assert len(copies) == 1
    texts = TEXTS + [f"{t} (variant {i})" for i, t in enumerate(TEXTS * 6)]
    a, b = embedder.embed_documents(texts), int8.embed_documents(texts)
    assert b.shape == (len(texts), 384) and b.dtype == np.float32
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(a * b, axis=1)) > 0.98  # 0.99+ on real chunks (docs/benchmarks/ingestion.md)
    # the nearest document of each text is the same whichever model embedded the documents
    assert (np.argmax(a @ a.T, axis=1) == np.argmax(a @ b.T, axis=1)).all()
    mtime = copies[0].stat().st_mtime_ns
    again = build_embedder(settings.model_copy(update={"embedding_backend": "openvino-int8"}))
    assert copies[0].stat().st_mtime_ns == mtime and np.allclose(again.embed_documents(texts), b, atol=1e-6)


def test_one_and_two_workers_give_the_same_int8_vectors(int8):
    texts = [f"{TEXTS[i % 3]} {'and more words ' * (i % 9)}" for i in range(41)]
    one = with_workers(int8, 1)
    assert one is not int8 and one._workers == 1
    assert np.array_equal(one.embed_documents(texts), int8.embed_documents(texts))
    assert np.allclose(int8.embed_query(TEXTS[1]), int8.embed_documents([TEXTS[1]])[0], atol=1e-6)


def test_a_damaged_int8_copy_is_made_again(int8, settings, tmp_path):
    """A copy cut short (a full disk, an interrupted write outside our atomic move) is rebuilt, not fatal."""
    import shutil

    cache = tmp_path / "models"
    shutil.copytree(settings.model_cache_dir, cache)
    (weights,) = cache.glob("*-openvino-*/model.bin")
    weights.write_bytes(weights.read_bytes()[:1000])
    rebuilt = build_embedder(settings.model_copy(update={"embedding_backend": "openvino-int8", "data_dir": tmp_path}))
    assert weights.stat().st_size > 1000
    assert np.allclose(rebuilt.embed_documents(TEXTS), with_workers(int8, 1).embed_documents(TEXTS), atol=1e-6)
