"""The corpus-version picker of the citation explorer: current version (default), every version, or one."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from rag.retrieval.store import DocumentVersion, document_versions
from rag.retrieval.types import Filters

CURRENT = "Current versions (default)"
ALL = "Every stored version"


def version_choices(versions: Sequence[DocumentVersion]) -> dict[str, Filters | None]:
    """Label -> filters: current (None, the retriever's default), all, and each stored version of each document."""
    choices: dict[str, Filters | None] = {CURRENT: None, ALL: Filters(all_versions=True)}
    if any(v.superseded_at for v in versions):
        for v in versions:
            if v.version:
                choices[v.label()] = Filters(doc_names=(v.doc_name,), versions=(v.version,))
    return choices


def version_filter(factory: sessionmaker[Session], *, key: str = "explorer_version") -> Filters | None:
    """A select box over the stored versions; shown only when some document has more than one version."""
    with factory() as session:
        choices = version_choices(document_versions(session=session))
    if len(choices) <= 2:
        return None
    label = st.selectbox("Corpus version", list(choices), key=key,
                         help="Retrieval uses the current version of each document unless you pick another.")
    return choices[label]
