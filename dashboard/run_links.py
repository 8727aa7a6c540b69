"""The run a page shows, kept in its address (`?run=<id>`), so a reload, a bookmark or a link sent to a
colleague opens the same run instead of whatever is newest.

Streamlit forgets a session's state on reload; the address survives. Pages read the run from the
address when their own state has none, and write it back whenever the run shown changes.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

RUN_PARAM = "run"


def url_run(params: Mapping[str, str]) -> str | None:
    """The run id in the address, or None (a blank or whitespace value counts as none)."""
    value = (params.get(RUN_PARAM) or "").strip()
    return value or None


def keep_in_url(params: MutableMapping[str, str], run_id: str | None) -> None:
    """Point the address at `run_id` (or at no run); untouched when it already does, so no needless rerun."""
    if run_id is None:
        if RUN_PARAM in params:
            del params[RUN_PARAM]
    elif params.get(RUN_PARAM) != run_id:
        params[RUN_PARAM] = run_id
