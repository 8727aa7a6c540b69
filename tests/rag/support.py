"""Helpers shared by the embedding and answer tests: a few policy-like texts of different lengths, an embedder
whose 3-d vectors are set by keywords, and retrieval results made by hand for the answerer."""

from __future__ import annotations

import numpy as np

from rag.retrieval.types import Chunk, Filters, RetrievalResult, RetrievalTrace, ScoredChunk

TEXTS = [
    "Conventional Guide / 5. Qualifying Ratios\nThe maximum back-end DTI ratio for a conventional loan is 45%.",
    "A servicer shall not charge a late fee on a payment received by the transferor servicer within 60 days.",
    "reserves",
]


def unit_vector(*xs: float, dim: int = 384) -> np.ndarray:
    """A stored-size vector whose first components point along `xs`, normalised: chunks and questions made
    to a given cosine with each other (the database column holds 384 dimensions)."""
    out = np.zeros(dim, dtype=np.float32)
    out[: len(xs)] = xs
    return out / np.linalg.norm(out)


class KeywordEmbedder:
    """3-d vectors: a text's direction is set by which of three keywords it contains."""

    name, dim = "keywords", 3
    KEYS = ("dti", "ineligible", "borrowers")

    def embed_documents(self, texts):
        rows = [[float(k in t.lower()) for k in self.KEYS] for t in texts]
        vecs = np.array([r if any(r) else [0.0, 0.0, 0.0] for r in rows])
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1, norms)

    def embed_query(self, text):
        return self.embed_documents([text])[0]


def guide_chunk(text: str, *, cid: int = 7, page_end: int = 5) -> Chunk:
    """`text` as a chunk of the Conventional Guide's section 5.2, from page 4, at character 1000."""
    return Chunk(
        id=cid,
        text=text,
        doc_name="Conventional Guide",
        page_num=4,
        page_end=page_end,
        section="5. Qualifying Ratios",
        subsection="5.2 Debt-to-Income Limits",
        char_offset=1000,
        char_end=1000 + len(text),
    )


def retrieval_result(*chunks: Chunk, query: str = "q", score: float = 0.7) -> RetrievalResult:
    """`chunks` as a retrieval's final list (each scored `score`), with a trace of no stages."""
    hits = tuple(ScoredChunk(c, score) for c in chunks)
    return RetrievalResult(query, hits, RetrievalTrace(query, Filters(), len(hits), (), hits, 1.0))
