"""What the RAGAS page reads: the stored evaluation runs, per-agent faithfulness from live runs, and one
run's scored questions (the page opens no database session itself)."""

from __future__ import annotations

from typing import Any

from rag.evaluation import store


def runs_and_drift(factory) -> tuple[list[Any], Any]:
    """(every stored evaluation run, per-agent faithfulness of live runs)."""
    with factory() as session:
        return store.list_runs(session=session), store.agent_faithfulness(session=session)


def samples_of(factory, run_id: int) -> list[store.SampleRow]:
    with factory() as session:
        return store.run_samples(run_id, session=session)
