"""The ingest key: which backends share vectors (and so a stored corpus) and which do not."""

from __future__ import annotations

import hashlib

import pytest

from core.settings import Settings
from rag.embeddings import backend_family, ingest_backend
from rag.ingest.service import accepted_families, ingest_key

pytestmark = pytest.mark.unit

DATA = b"%PDF-1.7 a policy guide"
# The key every corpus was ingested under before the backend became part of it.
TODAY = hashlib.sha256(DATA + b"contextual-header-v1|all-MiniLM-L6-v2|512|50").hexdigest()
SETTINGS = Settings(_env_file=None)
NO_WINDOWS = Settings(_env_file=None, dense_window_words=0, table_rows=False)  # the recipe before issue 24


def _key(backend: str, settings: Settings = NO_WINDOWS) -> str:
    return ingest_key(DATA, settings, backend_family(backend))


@pytest.mark.parametrize("backend", ["torch", "torch-bf16", "onnx", "openvino"])
def test_backends_with_the_same_vectors_keep_todays_key(backend):
    assert _key(backend) == TODAY


def test_dense_windows_are_part_of_the_key():
    """A corpus embedded without windows (or with others) is re-embedded once windows are configured."""
    other = SETTINGS.model_copy(update={"dense_window_words": SETTINGS.dense_window_words + 20})
    keys = {_key("torch"), _key("torch", SETTINGS), _key("torch", other)}
    assert len(keys) == 3 and SETTINGS.dense_window_words > 0


def test_table_rows_are_part_of_the_key():
    assert _key("torch", NO_WINDOWS.model_copy(update={"table_rows": True})) != _key("torch")


def test_each_int8_copy_gets_its_own_key():
    keys = {_key("onnx-int8"), _key("openvino-int8")}
    assert len(keys) == 2 and TODAY not in keys


def test_documents_are_ingested_int8_by_default_and_searched_by_the_query_backend(monkeypatch):
    monkeypatch.setattr("rag.embeddings.accel_installed", lambda: True)
    assert (ingest_backend(SETTINGS), SETTINGS.embedding_backend) == ("openvino-int8", "torch-bf16")
    assert accepted_families(SETTINGS) == [backend_family("openvino-int8"), ""]
    same = Settings(_env_file=None, ingest_backend="", embedding_backend="onnx-int8")
    assert ingest_backend(same) == "onnx-int8" and accepted_families(same) == ["|int8"]


def test_without_the_accel_extra_the_default_ingests_with_the_query_backend(monkeypatch):
    """A base install (no openvino/nncf) never needs the int8 quantisation step on first use."""
    monkeypatch.setattr("rag.embeddings.accel_installed", lambda: False)
    assert ingest_backend(SETTINGS) == "torch-bf16" and accepted_families(SETTINGS) == [""]
    chosen = Settings(_env_file=None, ingest_backend="openvino-int8")  # set explicitly: kept, fails loudly if missing
    assert ingest_backend(chosen) == "openvino-int8"
    assert ingest_backend(SETTINGS.model_copy(update={"ingest_backend": ""})) == "torch-bf16"


def test_an_ingest_backend_from_the_environment_counts_as_chosen(monkeypatch):
    monkeypatch.setattr("rag.embeddings.accel_installed", lambda: False)
    monkeypatch.setenv("INGEST_BACKEND", "openvino-int8")
    assert ingest_backend(Settings(_env_file=None)) == "openvino-int8"
