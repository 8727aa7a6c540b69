"""The ingest key: which backends share vectors (and so a stored corpus) and which do not."""

from __future__ import annotations

import hashlib

import pytest

from core.settings import Settings
from rag.ingest.service import ingest_key

pytestmark = pytest.mark.unit

DATA = b"%PDF-1.7 a policy guide"
# The key every corpus was ingested under before the backend became part of it.
TODAY = hashlib.sha256(DATA + b"contextual-header-v1|all-MiniLM-L6-v2|512|50").hexdigest()


def _key(backend: str) -> str:
    return ingest_key(DATA, Settings(_env_file=None, embedding_backend=backend))


@pytest.mark.parametrize("backend", ["torch", "torch-bf16", "onnx"])
def test_backends_with_the_same_vectors_keep_todays_key(backend):
    assert _key(backend) == TODAY


def test_int8_vectors_get_their_own_key():
    assert _key("onnx-int8") not in {TODAY, _key("torch-bf16")}
