"""`python -m dashboard.streamlit_main run app.py ...`: Streamlit's own command line, told first that
LoanGraph's pages come from `st.navigation` in app.py (what `make run` and the browser test start).

With a `pages/` folder beside app.py, Streamlit starts in its legacy multipage mode until some
session has run `st.navigation`: the first request to a fresh server, if it is a deep link such as
/decisions, then ran that page file alone (raw file names in the sidebar, no wide layout, no
page config). Setting the flag before the server starts makes every request run app.py, whose
navigation routes the link to its page.

Streamlit has no setting for this (1.67): `PagesManager.uses_pages_directory` is the class flag its MPA v2
change (streamlit/streamlit#10276, "Default to MPAv2 ...") kept for apps with a pages directory, set from
the folder's existence only while it is still None. This module is the one place that sets it;
tests/dashboard/test_streamlit_main.py fails if Streamlit stops honouring it. `pages/` stays where the
design puts it.
"""

from __future__ import annotations


def use_navigation_only() -> None:
    """Tell Streamlit that app.py's st.navigation, not the pages/ folder, defines the pages."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main() -> None:
    from streamlit.web.cli import main as streamlit_cli

    use_navigation_only()
    streamlit_cli(prog_name="streamlit")


if __name__ == "__main__":
    main()
