"""Final-stage reranking behind a small protocol: a sentence-transformers CrossEncoder, or none.

No pretrained cross-encoder ships on PyPI, and one built from the bi-encoder has a random head,
so offline the default is no reranker; a real one is used when configured (see build_reranker):
RERANKER_MODEL="domain" is the small one `python -m rag.train_reranker` fine-tunes on the policy corpus.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from core.errors import ModelUnavailable
from core.settings import Settings
from rag.chunking import contextual_text
from rag.embeddings import resolve_model_path
from rag.retrieval.types import Chunk, ScoredChunk

log = logging.getLogger(__name__)

DEFAULT_CROSS_ENCODER = "cross-encoder/ms-marco-MiniLM-L-6-v2"  # used only when downloads are allowed
DOMAIN = "domain"  # RERANKER_MODEL value for the model trained by `python -m rag.train_reranker`
DOMAIN_META = "loangraph_reranker.json"  # written last by the trainer: its presence means "complete"


def domain_reranker_dir(settings: Settings) -> Path:
    return settings.model_cache_dir / "reranker"


def contextual_pair_text(chunk: Chunk) -> str:
    """A chunk with its document and section headings, as the domain reranker is trained to read it."""
    return contextual_text(chunk.text, chunk.doc_name, chunk.section, chunk.subsection, chunk.context)


class Reranker(Protocol):
    name: str

    def rerank(self, query: str, candidates: Sequence[ScoredChunk], k: int) -> list[ScoredChunk]:
        """The best `k` candidates for `query`, best first, scored by this reranker."""
        ...


class NoOpReranker:
    """Keeps the incoming order and scores: the stage is recorded but changes nothing."""

    name = "none"

    def rerank(self, query: str, candidates: Sequence[ScoredChunk], k: int) -> list[ScoredChunk]:
        return list(candidates[:k])


class _PairScorer(Protocol):
    def predict(self, sentences: list[tuple[str, str]], **kwargs: object) -> Sequence[float]: ...


class CrossEncoderReranker:
    """Scores (query, chunk text) pairs jointly; order by score, ties kept in incoming order."""

    def __init__(self, model: _PairScorer, *, name: str, batch_size: int = 32, contextual: bool = False):
        self._model = model
        self.name = name
        self._batch_size = batch_size
        self._text = contextual_pair_text if contextual else (lambda chunk: chunk.text)

    @classmethod
    def load(
        cls, path: str, *, name: str, threads: int, max_length: int, batch_size: int = 32, contextual: bool = False
    ) -> CrossEncoderReranker:
        import torch
        from sentence_transformers import CrossEncoder

        torch.set_num_threads(threads)
        return cls(
            CrossEncoder(path, device="cpu", max_length=max_length),
            name=name,
            batch_size=batch_size,
            contextual=contextual,
        )

    def rerank(self, query: str, candidates: Sequence[ScoredChunk], k: int) -> list[ScoredChunk]:
        if not candidates or k <= 0:
            return []
        pairs = [(query, self._text(c.chunk)) for c in candidates]
        scores = self._model.predict(pairs, batch_size=self._batch_size, show_progress_bar=False)
        order = sorted(range(len(candidates)), key=lambda i: -float(scores[i]))  # sorted() is stable
        return [ScoredChunk(candidates[i].chunk, float(scores[i])) for i in order[:k]]


def build_reranker(settings: Settings) -> Reranker:
    """The configured reranker, loaded once.

    RERANKER_MODEL="domain" is the trained model under DATA_DIR (see load_domain_reranker); otherwise it
    names a local CrossEncoder directory (or, with downloads allowed, a hub model);
    empty means none, except that with ALLOW_MODEL_DOWNLOADS=true the ms-marco MiniLM model is
    tried. A model the user named but that cannot be found raises ModelUnavailable.
    """
    name = settings.reranker_model.strip()
    if name.lower() == DOMAIN:
        return load_domain_reranker(settings)
    if not name and not settings.allow_model_downloads:
        return NoOpReranker()
    try:
        path = resolve_model_path(name or DEFAULT_CROSS_ENCODER, allow_download=settings.allow_model_downloads)
        return CrossEncoderReranker.load(
            path,
            name=name or DEFAULT_CROSS_ENCODER,
            threads=settings.torch_threads,
            max_length=settings.reranker_max_length,
        )
    except (ModelUnavailable, OSError, ValueError) as exc:
        if name:
            raise ModelUnavailable(f"reranker {name!r} could not be loaded: {exc}") from exc
        log.warning("default reranker %s unavailable (%s); reranking is off", DEFAULT_CROSS_ENCODER, exc)
        return NoOpReranker()


def load_domain_reranker(settings: Settings) -> CrossEncoderReranker:
    """The cross-encoder `python -m rag.train_reranker` saved, at the length it was trained for."""
    path = domain_reranker_dir(settings)
    meta_path = path / DOMAIN_META
    if not meta_path.is_file():
        raise ModelUnavailable(
            f"RERANKER_MODEL=domain but no trained reranker in {path}: "
            "run `make reranker` (python -m rag.train_reranker) first"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return CrossEncoderReranker.load(
        str(path),
        name=f"domain ({meta['layers']}-layer MiniLM, {meta['max_length']} tokens)",
        threads=settings.torch_threads,
        max_length=int(meta["max_length"]),
        contextual=True,
    )
