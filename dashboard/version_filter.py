"""The corpus-version picker of the citation explorer: current version (default), every version, or one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from rag.retrieval.store import DocumentVersion, document_versions
from rag.retrieval.types import Filters

CURRENT = "Current versions (default)"
ALL = "Every stored version"


BEFORE = timedelta(milliseconds=1)  # a superseded copy is the corpus as it stood just before it was replaced


def version_choices(versions: Sequence[DocumentVersion]) -> dict[str, Filters | None]:
    """Label -> filters: current (None, the retriever's default), all, and each stored copy of each document.

    A copy is picked by when it was current, never by its version label (a changed file may keep its label):
    the current copy by the current-version rule, a superseded one by the corpus just before it was replaced."""
    choices: dict[str, Filters | None] = {CURRENT: None, ALL: Filters(all_versions=True)}
    if any(v.superseded_at for v in versions):
        for v in versions:
            at = None if v.superseded_at is None else v.superseded_at - BEFORE
            choices[v.label()] = Filters(doc_names=(v.doc_name,), as_of=at)
    return choices


def version_filter(factory: sessionmaker[Session], *, key: str = "explorer_version") -> Filters | None:
    """A select box over the stored versions; shown only when some document has more than one version."""
    with factory() as session:
        choices = version_choices(document_versions(session=session))
    if len(choices) <= 2:
        return None
    label = st.selectbox(
        "Corpus version",
        list(choices),
        key=key,
        help="Retrieval uses the current version of each document unless you pick another.",
    )
    return choices[label]
