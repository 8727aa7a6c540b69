"""The button that opens the citation explorer on a run (and agent), from a verdict card or a run's page."""

from __future__ import annotations

import streamlit as st

EXPLORER_PAGE = "pages/citation_explorer.py"


def open_in_explorer(
    run_id: str, agent: str | None = None, label: str = "Open in the citation explorer", key: str | None = None
) -> None:
    """A button that opens the citation explorer on this run (and agent)."""
    if st.button(label, key=key or f"explore-{run_id}-{agent or ''}", icon=":material/travel_explore:"):
        st.session_state["explorer_run_id"] = st.session_state["selected_run_id"] = run_id
        if agent:
            st.session_state["explorer_agent"] = agent
        st.switch_page(EXPLORER_PAGE)
