"""Helpers shared by the New application page tests: the page opened in AppTest with session state, the app's
settings and caches pointed at a database, and the page's markdown as one text. (`run_fixtures` holds the helpers
for pages that show runs made beforehand.)"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from tests.pages.run_fixtures import clear_caches

PAGE = str(PROJECT_ROOT / "pages" / "new_application.py")
NEW_APPLICATION_DB = "lg_page_new_application"
DECLINE_SAMPLE = "05_conventional_dti_4501_no_comp_decline"  # Lucinda Ferreira-Holt, DTI 45.01%, no comp factor
APPROVE_SAMPLE = "01_conventional_clean_approve"  # Maribel Okafor
TIMEOUT = 180  # first run loads the embedding model and builds the graph


def point_at(mp: pytest.MonkeyPatch, settings, database: str) -> None:
    """The app's settings name `database` on the test server; caches cleared."""
    mp.setenv("DATA_DIR", str(settings.data_dir))
    mp.setenv("DATABASE_NAME", database)
    mp.setenv("DATABASE_URL", "")
    clear_caches()


def open_page(**state) -> AppTest:
    """The New application page run once with `state` in its session state."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)
