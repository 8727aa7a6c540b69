"""Overview page pieces: the mode banner, provider routes, the knowledge base's documents and the recent
decisions (read here, so the page itself opens no database session)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from agents import runs as run_queries
from core.settings import PROJECT_ROOT, Settings
from dashboard.knowledge_base import documents_frame

SAMPLES_DIR = PROJECT_ROOT / "seed_data" / "applications"
DEMO_SAMPLE = "07_conventional_ltv_85_mi_conditions"  # a realistic file with a condition to show


def mode(settings: Settings) -> str:
    if settings.app_env == "production":
        return "production"
    routed = {settings.llm_provider, *settings.agent_providers.values()}
    return "offline" if routed == {"offline"} else "connected"


def routes_frame(routes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"Agent": a.title(), "Provider / model": r} for a, r in routes.items()])


def recent_frame(rows) -> pd.DataFrame:
    """Officers' decisions, latest first: when, on whom, the recommendation and the final decision, by whom."""
    return pd.DataFrame(
        [
            {
                "Decided": r.decided_at.strftime("%Y-%m-%d %H:%M") if r.decided_at else "-",
                "Applicant": r.applicant,
                "Loan": r.loan_type.upper(),
                "Amount": f"${r.loan_amount:,.0f}",
                "Recommendation": r.recommendation or r.status,
                "Final": r.final_decision or "-",
                "Officer": r.decided_by or "-",
            }
            for r in rows
        ]
    )


def demo_sample_title() -> str:
    path = SAMPLES_DIR / f"{DEMO_SAMPLE}.json"
    return json.loads(path.read_text())["title"] if path.exists() else ""


def try_sample_button() -> None:
    """One click from the overview to a streamed decision on a sample file."""
    title = demo_sample_title()
    if title and st.button(f"Try a sample application: {title}", type="primary", key="try_sample"):
        st.session_state["prefill_sample"] = DEMO_SAMPLE
        st.switch_page("pages/new_application.py")


def documents(factory) -> pd.DataFrame:
    """One row per ingested document (its current version)."""
    with factory() as session:
        return documents_frame(session)


def recent_decisions(factory, limit: int = 10) -> tuple[list, int]:
    """(runs an officer decided, newest decision first; how many completed runs await a decision)."""
    with factory() as session:
        return (
            run_queries.list_runs(session=session, limit=limit, decided=True),
            run_queries.count_runs(session=session, awaiting=True),
        )
