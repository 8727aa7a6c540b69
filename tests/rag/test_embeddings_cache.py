"""Start-up without the model: the embedder loads on its first vector, and vectors on disk are the model's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import ModelUnavailable
from rag.embeddings import check_model_files, lazy_embedder, with_vector_cache, with_workers
from rag.embeddings_cache import CachedEmbedder, LazyEmbedder, VectorCache, cache_identity, unwrap
from tests.rag.support import TEXTS, KeywordEmbedder

QUERIES = [
    "Minimum credit score",
    "Maximum back-end DTI ratio",
    "What happens if I pay my mortgage 60 days late?",
    "maximum LTV one-unit primary residence purchase or rate/term refinance",
    "reserves",
]


class Counting(KeywordEmbedder):
    """The keyword embedder, counting the texts it embedded."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        return super().embed_documents(texts).astype(np.float32)


class Refusing(KeywordEmbedder):
    """What a cache that must not compute anything wraps."""

    def embed_documents(self, texts):
        raise AssertionError(f"computed {texts!r} instead of reading the cache")


@pytest.mark.unit
def test_the_lazy_embedder_builds_its_model_once_on_the_first_vector():
    built: list[Counting] = []

    def factory() -> Counting:
        built.append(Counting())
        return built[-1]

    lazy = LazyEmbedder("keywords", 3, "", factory)
    assert (lazy.name, lazy.dim, lazy.family) == ("keywords", 3, "") and not built and not lazy.is_loaded
    lazy.embed_query("dti")
    lazy.embed_documents(["borrowers", "ineligible"])
    assert len(built) == 1 and built[0].embedded == ["dti", "borrowers", "ineligible"]
    assert unwrap(CachedEmbedder(lazy, VectorCache(Path("/nonexistent"), 3))) is built[0]


@pytest.mark.unit
def test_a_second_process_reads_the_vectors_the_first_computed(tmp_path):
    first = Counting()
    cached = CachedEmbedder(first, VectorCache(tmp_path, 3))
    q, docs = cached.embed_query("dti"), cached.embed_documents(["dti", "borrowers"])
    assert cached.embed_query("dti") is q and first.embedded == ["dti", "dti", "borrowers"]  # in-process: once
    again = CachedEmbedder(Refusing(), VectorCache(tmp_path, 3))
    assert np.array_equal(again.embed_query("dti"), q) and np.array_equal(
        again.embed_documents(["dti", "borrowers"]), docs
    )
    with pytest.raises(AssertionError, match="computed"):  # another list of texts is another entry
        again.embed_documents(["borrowers", "dti"])


@pytest.mark.unit
def test_an_unreadable_or_misshapen_entry_is_computed_again(tmp_path):
    cache = VectorCache(tmp_path, 3)
    CachedEmbedder(Counting(), cache).embed_query("dti")
    (entry,) = tmp_path.glob("*.npy")
    entry.write_bytes(b"not an array")
    fresh = Counting()
    assert np.array_equal(CachedEmbedder(fresh, cache).embed_query("dti"), [1, 0, 0]) and fresh.embedded == ["dti"]
    np.save(entry, np.zeros((1, 5), dtype=np.float32))  # another model's dimension
    fresh = Counting()
    assert np.array_equal(CachedEmbedder(fresh, cache).embed_query("dti"), [1, 0, 0]) and fresh.embedded == ["dti"]


@pytest.mark.unit
def test_long_lists_are_never_cached(tmp_path):
    inner = Counting()
    CachedEmbedder(inner, VectorCache(tmp_path, 3)).embed_documents(["dti"] * 257)
    assert len(inner.embedded) == 257 and not list(tmp_path.iterdir())


@pytest.mark.unit
def test_whatever_changes_a_vector_changes_the_cache_folder(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    base = dict(model="m", model_path=str(tmp_path), backend="torch", family="", threads=1, batch_size=32)
    same = cache_identity(**base)
    assert cache_identity(**base) == same
    for change in ({"backend": "torch-bf16"}, {"threads": 2}, {"batch_size": 8}, {"family": "|int8"}):
        assert cache_identity(**{**base, **change}) != same, change
    (tmp_path / "model.safetensors").write_bytes(b"other weights")
    assert cache_identity(**base) != same


@pytest.mark.unit
def test_a_missing_or_misfitting_model_is_refused_without_loading_it(settings):
    with pytest.raises(ModelUnavailable, match="not available locally"):
        lazy_embedder(settings.model_copy(update={"embedding_model": "/nowhere/model"}))
    with pytest.raises(ModelUnavailable, match="gives 384-d vectors but the schema stores 768-d"):
        check_model_files(settings.model_copy(update={"embedding_dim": 768}))


@pytest.mark.integration
@pytest.mark.slow
def test_cached_vectors_are_the_models_own_bit_for_bit(embedder, settings, tmp_path):
    """The bundled model's query and document vectors, read back from the cache, are the very arrays
    it computed (float32, every bit), so retrieval ranks exactly as without the cache."""
    run_settings = settings.model_copy(update={"data_dir": tmp_path})
    first = with_vector_cache(embedder, run_settings)
    computed = [first.embed_query(q) for q in QUERIES]
    documents = first.embed_documents(TEXTS)
    for q, vector in zip(QUERIES, computed):
        assert vector.dtype == np.float32 and np.array_equal(vector, embedder.embed_query(q))
    assert np.array_equal(documents, embedder.embed_documents(TEXTS))
    later = with_vector_cache(Refusing(), run_settings)  # a later process: nothing may be computed
    assert isinstance(later, CachedEmbedder) and later.cache.directory == first.cache.directory
    for q, vector in zip(QUERIES, computed):
        assert later.embed_query(q).tobytes() == vector.tobytes()
    assert later.embed_documents(TEXTS).tobytes() == documents.tobytes()


class Workers(Counting):
    """A model with document workers, as the real backends have."""

    _workers = 1


@pytest.mark.unit
def test_ingest_gets_the_model_not_its_wrappers(tmp_path):
    model = Workers()
    lazy = LazyEmbedder("keywords", 3, "", lambda: model)
    cached = CachedEmbedder(lazy, VectorCache(tmp_path, 3))
    assert not lazy.is_loaded
    view = with_workers(cached, 2)  # the dashboard's first-start ingest over its query embedder
    assert lazy.is_loaded and isinstance(view, Workers) and view is not model and view._workers == 2
    assert with_workers(cached, 1) is model
    view.embed_documents(["dti"] * 300)
    assert not list(tmp_path.iterdir())  # nothing an ingest embeds goes through the cache


@pytest.mark.unit
def test_a_full_cache_folder_stops_growing_and_still_answers(tmp_path):
    inner = Counting()
    cached = CachedEmbedder(inner, VectorCache(tmp_path, 3, max_bytes=300))
    for word in ("dti", "borrowers", "ineligible", "dti borrowers"):
        cached.embed_query(word)
    written = list(tmp_path.glob("*.npy"))
    assert 1 <= len(written) < 4 and sum(p.stat().st_size for p in written) < 300 + 200
    assert np.array_equal(cached.embed_query("dti borrowers"), Counting().embed_query("dti borrowers"))
