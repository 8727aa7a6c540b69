"""A guide no requirement inventory covers yet (a lender's own, just published): every obligation sentence
of it is carried, cited, as a standard condition the underwriter verifies, so nothing it obliges is
silently passed until a person classifies the sentences (`python -m policy.inventory --draft`)."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from policy.corpus import PolicyText, load_corpus
from policy.sentences import obligation_sentences

_CACHE: dict[tuple[str, tuple[int, ...]], Mapping[str, PolicyText]] = {}
_LOCK = threading.Lock()


def guide_conditions(docs: Mapping[str, PolicyText], loan_type: str) -> tuple[str, ...]:
    """'sentence (document, p. N, section)' for each obligation sentence of the documents that speak to
    `loan_type` (a document ingested for no program in particular speaks to every file)."""
    out: list[str] = []
    for doc in docs.values():
        if doc.programs and loan_type not in doc.programs:
            continue
        pages = {u.text: u.page for u in doc.units()}
        for sentence in obligation_sentences(doc.text):
            cited = doc.cite(sentence, pages.get(sentence))
            where = cited.label() if cited else doc.doc_name
            out.append(f"{sentence} ({where})")
    return tuple(out)


def pinned_corpus(session_factory: sessionmaker[Session], document_ids: tuple[int, ...]) -> Mapping[str, PolicyText]:
    """The documents a publication is pinned to, read once per process."""
    bind = session_factory.kw.get("bind")
    key = (str(getattr(bind, "url", id(session_factory))), tuple(document_ids))
    with _LOCK:
        found = _CACHE.get(key)
    if found is None:
        with session_factory() as session:
            found = load_corpus(session=session, document_ids=tuple(document_ids))
        with _LOCK:
            _CACHE[key] = found
    return found
