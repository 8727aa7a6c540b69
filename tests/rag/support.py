"""Helpers shared by the embedding and answer tests: a few policy-like texts of different lengths, and an embedder
whose 3-d vectors are set by keywords."""

from __future__ import annotations

import numpy as np

TEXTS = [
    "Conventional Guide / 5. Qualifying Ratios\nThe maximum back-end DTI ratio for a conventional loan is 45%.",
    "A servicer shall not charge a late fee on a payment received by the transferor servicer within 60 days.",
    "reserves",
]


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
