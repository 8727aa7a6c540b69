"""LoanGraph dashboard entry point: `streamlit run app.py` (or `make run`)."""

import logging

import streamlit as st

from core.settings import PROJECT_ROOT, get_settings
from dashboard.errors import database_guard

FAVICON = PROJECT_ROOT / "dashboard" / "assets" / "favicon.png"  # served by the app: no icon fetched from the internet

logging.basicConfig(level=get_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="LoanGraph", page_icon=str(FAVICON), layout="wide")
# long values wrap instead of being cut with an ellipsis ("APPROVE_WITH_CONDITIONS", "PITI $12,160.45")
st.html(
    "<style>[data-testid='stMetricValue'], [data-testid='stMetricValue'] * {white-space: normal !important; "
    "overflow: visible !important; text-overflow: clip !important; overflow-wrap: anywhere;}</style>"
)

navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/new_application.py", title="New application", icon=":material/add_circle:"),
        st.Page("pages/citation_explorer.py", title="Citation explorer", icon=":material/manage_search:"),
        st.Page("pages/decisions.py", title="Decisions", icon=":material/fact_check:"),
        st.Page("pages/portfolio.py", title="Portfolio", icon=":material/stacked_bar_chart:"),
        st.Page("pages/policy.py", title="Policy", icon=":material/policy:"),
        st.Page("pages/ragas_runs.py", title="RAGAS", icon=":material/monitoring:"),
    ]
)
with database_guard():
    navigation.run()
