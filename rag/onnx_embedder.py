"""The bundled MiniLM run by ONNX Runtime: exported locally from the bundled weights, never downloaded.

The export (model.onnx under DATA_DIR/models/) is made on first use from the bundled
sentence-transformers model and rebuilt when missing. The vectors are the same as
sentence-transformers' (mean pooling over the last hidden state, L2-normalised, 256 tokens).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.embedding_base import backend_family, embed_in_batches

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


def exported_model(model_path: str, cache_dir: Path) -> Path:
    """The ONNX export of `model_path` under `cache_dir`, made once (both the ONNX and OpenVINO backends
    start from it)."""
    target = cache_dir / f"{Path(model_path).name or 'model'}-onnx-opset{OPSET}" / "model.onnx"
    if not target.is_file():
        export_onnx(model_path, target)
    return target


def export_onnx(model_path: str, target: Path) -> Path:
    """Export the transformer of the sentence-transformers model at `model_path` to `target` (atomic)."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path, device="cpu")
    bert = model[0].auto_model.eval()
    sample = model.tokenizer(["warm up", "a second, longer sample"], padding=True, return_tensors="pt")

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
    os.close(fd)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")}
    with torch.no_grad():
        torch.onnx.export(
            _Hidden(bert),
            tuple(sample[n] for n in INPUTS),
            tmp,
            input_names=list(INPUTS),
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    os.replace(tmp, target)
    log.info("exported %s to %s", model_path, target)
    return target


def quantize(fp32: Path) -> Path:
    """A dynamic int8 copy of `fp32` next to it (made once, atomically)."""
    target = fp32.with_name("model-int8.onnx")
    if not target.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=fp32.parent)
        os.close(fd)
        quantize_dynamic(str(fp32), tmp, weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, target)
    return target


def max_tokens(model_path: str) -> int:
    config = Path(model_path) / "sentence_bert_config.json"
    return int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.is_file() else 256


class ExportedEmbedder:
    """What the ONNX and OpenVINO embedders share: the bundled tokenizer, batches formed by text length
    to cut padding, mean pooling over the last hidden state and L2 normalisation (as
    sentence-transformers does). A subclass runs the model in `_hidden`."""

    def __init__(self, model_name: str, model_path: str, *, batch_size: int, workers: int, family: str):
        from transformers import AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(model_path)
        self._tokenizer_lock = threading.Lock()  # a fast tokenizer must not be entered by two threads at once
        self._max_tokens = max_tokens(model_path)
        self._batch_size = batch_size
        self._workers = workers
        self.name = model_name
        self.family = family

    def _ready(self) -> None:
        """Call once the model is loaded: probes the dimension and starts the query cache."""
        self.dim = int(self._embed_batch(["dimension probe"]).shape[1])
        self._query_cache = lru_cache(maxsize=2048)(self._embed_one)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_in_batches(
            texts, self._embed_batch, dim=self.dim, batch_size=self._batch_size, workers=self._workers
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self._query_cache(text)

    def _embed_one(self, text: str) -> np.ndarray:
        vec = self._embed_batch([text])[0]
        vec.setflags(write=False)
        return vec

    def _feeds(self, texts: list[str]) -> dict[str, np.ndarray]:
        with self._tokenizer_lock:
            enc = self._tokenizer(
                texts, padding=True, truncation=True, max_length=self._max_tokens, return_tensors="np"
            )
        feeds = {name: enc[name].astype(np.int64) for name in INPUTS if name in enc}
        feeds.setdefault("token_type_ids", np.zeros_like(feeds["input_ids"]))
        return feeds

    def _hidden(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        feeds = self._feeds(texts)
        hidden = self._hidden(feeds)
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


class OnnxEmbedder(ExportedEmbedder):
    """Same protocol as SentenceTransformerEmbedder, run by ONNX Runtime.

    `workers` > 1: document batches run on that many threads, each session run on one thread
    (InferenceSession.run is thread-safe); `threads` is the session's own thread count otherwise.
    """

    def __init__(
        self,
        model_name: str,
        model_path: str,
        *,
        cache_dir: Path,
        threads: int,
        batch_size: int,
        quantized: bool = False,
        workers: int = 1,
    ):
        import onnxruntime as ort

        super().__init__(
            model_name,
            model_path,
            batch_size=batch_size,
            workers=workers,
            family=backend_family("onnx-int8" if quantized else "onnx"),
        )
        target = exported_model(model_path, cache_dir)
        if quantized:
            target = quantize(target)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if workers > 1 else threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])
        self._ready()

    def _hidden(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        return self._session.run(None, feeds)[0]
