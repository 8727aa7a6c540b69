"""The one Streamlit workaround: with a pages/ folder beside app.py, Streamlit would start in its legacy
multipage mode; `use_navigation_only` keeps app.py's st.navigation in charge (streamlit/streamlit#10276)."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager

from core.settings import PROJECT_ROOT
from dashboard.streamlit_main import use_navigation_only

pytestmark = pytest.mark.unit


@pytest.fixture
def fresh_flag(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)


def test_streamlit_alone_would_take_the_pages_folder_for_legacy_pages(fresh_flag):
    assert (PROJECT_ROOT / "pages").is_dir()
    PagesManager(str(PROJECT_ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True  # the behaviour worked around; if this fails, drop the patch


def test_told_first_it_keeps_navigation_in_charge(fresh_flag):
    use_navigation_only()
    PagesManager(str(PROJECT_ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is False
