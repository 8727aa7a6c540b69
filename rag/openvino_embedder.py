"""The bundled MiniLM run by OpenVINO, optionally as a static int8 copy made locally. Never downloaded.

`openvino`: the ONNX export of the bundled weights (rag/onnx_embedder.py) compiled by OpenVINO, with
bfloat16 matrix products where the CPU has them; vectors match torch to cosine 0.9999+.
`openvino-int8`: that model quantized once by NNCF (static int8, its transformer preset, calibrated
on the bundled seed policy library chunked as ingestion chunks it), saved under DATA_DIR/models/.
It embeds about 1.7x as fast as `torch-bf16` on this project's 2-core machine, with vectors at
cosine 0.99+ to torch's and the retrieval numbers of docs/benchmarks/.

The copy is rebuilt when missing; it is written to a temporary folder and moved into place, so a
half-written model is never loaded. Each thread embeds through its own infer request (OpenVINO runs
up to `workers` of them at once, one thread each).
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.embedding_base import INT8_RECIPE, backend_family, cpu_has_bf16
from rag.onnx_embedder import ExportedEmbedder, exported_model

log = logging.getLogger(__name__)

CALIBRATION_BATCH = 8
CALIBRATION_CHUNKS = (512, 50)  # words per chunk and overlap: the defaults, fixed so the copy never depends on settings


def calibration_texts() -> list[str]:
    """The bundled seed policy library (seed_data/policies), chunked and headed as ingestion embeds it."""
    from core.settings import PROJECT_ROOT
    from rag.chunking import chunk_document, contextual_text
    from rag.pdf import parse_pdf

    texts = []
    for path in sorted((PROJECT_ROOT / "seed_data" / "policies").glob("*.pdf")):
        doc = parse_pdf(path.read_bytes(), fallback_name=path.stem)
        texts += [
            contextual_text(c.text, doc.meta.doc_name, c.section, c.subsection)
            for c in chunk_document(doc, size=CALIBRATION_CHUNKS[0], overlap=CALIBRATION_CHUNKS[1])
        ]
    if not texts:
        raise RuntimeError("no calibration text: seed_data/policies has no readable PDF")
    return texts


def quantize_int8(onnx_path: Path, target_dir: Path, *, tokenize, texts: Sequence[str]) -> Path:
    """A static int8 OpenVINO copy of `onnx_path` in `target_dir` (model.xml + model.bin), made once."""
    target = target_dir / "model.xml"
    if target.is_file():
        return target
    import nncf
    import openvino as ov

    log.info("quantizing %s to int8 with OpenVINO (once; about 20-40 s)", onnx_path)
    model = ov.Core().read_model(str(onnx_path))
    batches = [tokenize(list(texts[i : i + CALIBRATION_BATCH])) for i in range(0, len(texts), CALIBRATION_BATCH)]
    quantized = nncf.quantize(
        model, nncf.Dataset(batches), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(batches)
    )
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target_dir.parent, prefix=f".{target_dir.name}-"))
    try:
        ov.save_model(quantized, str(tmp / "model.xml"), compress_to_fp16=False)
        try:
            os.replace(tmp, target_dir)
        except OSError:  # another process finished first: keep its copy
            if not target.is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


class OpenVinoEmbedder(ExportedEmbedder):
    """Same protocol as SentenceTransformerEmbedder and OnnxEmbedder, run by OpenVINO.

    `workers` > 1: document batches run on that many threads, each with its own infer request on
    one OpenVINO thread; otherwise `threads` OpenVINO threads.
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
        super().__init__(
            model_name,
            model_path,
            batch_size=batch_size,
            workers=workers,
            family=backend_family("openvino-int8" if quantized else "openvino"),
        )
        self._threads = threads
        self._source = source = exported_model(model_path, cache_dir)
        if quantized:
            target_dir = cache_dir / f"{Path(model_path).name or 'model'}-openvino-{INT8_RECIPE}"
            self._source = quantize_int8(source, target_dir, tokenize=self._feeds, texts=calibration_texts())
            try:
                self._compiled = self._compile()
            except RuntimeError as exc:  # a damaged copy (an interrupted disk, a stray edit): make it again
                log.warning("the int8 copy in %s does not load (%s); quantizing again", target_dir, exc)
                shutil.rmtree(target_dir, ignore_errors=True)
                self._source = quantize_int8(source, target_dir, tokenize=self._feeds, texts=calibration_texts())
                self._compiled = self._compile()
        else:
            self._compiled = self._compile()
        self._local = threading.local()
        self._ready()

    def _compile(self):
        import openvino as ov

        streams = max(self._workers, 1)
        config = {
            "INFERENCE_NUM_THREADS": streams if streams > 1 else self._threads,
            "NUM_STREAMS": streams,
            "INFERENCE_PRECISION_HINT": "bf16" if cpu_has_bf16() else "f32",
        }
        return ov.Core().compile_model(str(self._source), "CPU", config)

    def for_workers(self, workers: int) -> OpenVinoEmbedder:
        """The same model compiled for `workers` parallel requests (rag.embeddings.with_workers)."""
        view = copy.copy(self)
        view._workers = workers
        view._compiled = view._compile()
        view._local = threading.local()
        return view

    def _hidden(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:  # an infer request is not to be shared between threads
            request = self._local.request = self._compiled.create_infer_request()
        return request.infer(feeds)[0]
