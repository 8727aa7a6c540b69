"""The last line of defence for pages: a database that goes away mid-session gets a message, not a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


@contextmanager
def database_guard() -> Iterator[None]:
    """Run a page; turn any database error it did not handle itself into a clear message."""
    try:
        yield
    except SQLAlchemyError as exc:
        log.warning("page stopped by a database error: %s", exc)
        st.error(f"**The database stopped answering** ({type(exc).__name__}). Nothing already saved is lost.")
        st.info(
            "If you run the embedded database, restart the app with `make run`; with DATABASE_URL, check that "
            "the server is up, then reload this page."
        )
