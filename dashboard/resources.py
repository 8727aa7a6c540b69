"""Cached resources for the Streamlit pages: built once per server process, shared by sessions."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings, get_settings


@st.cache_resource(show_spinner="Starting the database...")
def session_factory() -> sessionmaker[Session]:
    from core.db import get_sessionmaker

    return get_sessionmaker()


@st.cache_resource(show_spinner="Loading the embedding model...")
def embedder():
    from rag.embeddings import get_embedder
    from rag.embeddings_cache import unwrap

    embedder = get_embedder()
    unwrap(embedder)  # the model loads here, under the spinner, not on the first search
    return embedder


def settings() -> Settings:
    return get_settings()


@st.cache_resource(show_spinner=False)
def router():
    """The LLM router; raises ConfigurationError on a configuration that would leak PII."""
    from core.llm import build_router

    return build_router(get_settings())
