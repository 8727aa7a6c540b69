"""The Dask worker plugin (its own module: importing distributed costs a second we only pay on Dask)."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from agents.batch.worker import init_worker


class WarmPipeline(WorkerPlugin):
    """Each worker builds its pipeline once, connected to the batch's database."""

    name = "loangraph-pipeline"

    def __init__(self, database_url: str):
        self.database_url = database_url

    def setup(self, worker: Any) -> None:
        init_worker(self.database_url)
