"""Batch fixtures: a `__main__` that worker processes can start from.

Spawned workers (a process pool, a Dask LocalCluster) re-import the parent's `__main__`. Streamlit's
AppTest leaves its generated page script there after a page test, so tests that start workers put
pytest's own `__main__`, saved when this module is collected, back for their duration.
"""

from __future__ import annotations

import sys

import pytest

_PYTEST_MAIN = sys.modules["__main__"]


@pytest.fixture
def spawnable_main(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "__main__", _PYTEST_MAIN)
