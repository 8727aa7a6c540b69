"""Shared helpers for benchmark scripts: an isolated benchmark database and table printing."""

from __future__ import annotations

import platform
import statistics
from collections.abc import Sequence

from sqlalchemy import Engine, create_engine

from core.db import migrate, recreate_database, resolve_database_url
from core.settings import get_settings


def bench_engine(name: str) -> Engine:
    """A freshly created, migrated database `name` on the configured server (embedded by default)."""
    engine = create_engine(recreate_database(resolve_database_url(get_settings()), name))
    migrate(engine)
    return engine


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0-100)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, ready to paste into docs/benchmarks."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")


def machine_line() -> str:
    import os

    settings = get_settings()
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
        f"torch threads {settings.torch_threads}"
    )
