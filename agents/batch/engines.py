"""Where a batch's rows run: in this process, in a local process pool, or on Dask.

Every worker holds one warm pipeline (`agents.service.get_service`, built once per process) and
connects to the same PostgreSQL; with the embedded server, the batch process owns it and workers
connect to its URI. A task names its run id before it starts, so a row is never decided twice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any, Protocol

from agents.batch.worker import Outcome, Task, init_worker, underwrite

log = logging.getLogger(__name__)


class Engine(Protocol):
    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]: ...
    def close(self, *, cancel: bool = False) -> None: ...


# --- engines ---------------------------------------------------------------------------------------


class InlineEngine:
    """Rows one after another in this process, on a given service (tests, --workers 0)."""

    def __init__(self, service: Any):
        init_worker(service=service)

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        return (underwrite(t) for t in tasks)

    def close(self, *, cancel: bool = False) -> None:
        pass


class LocalEngine:
    """A pool of worker processes on this machine (spawned: no inherited connections or threads)."""

    def __init__(self, workers: int, database_url: str):
        self.workers = workers
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=init_worker,
            initargs=(database_url, None, os.getpid()),
        )

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        return _bounded(
            tasks,
            lambda t: self.pool.submit(underwrite, t),
            2 * self.workers,
            lambda fs: wait(fs, return_when=FIRST_COMPLETED)[0],
        )

    def close(self, *, cancel: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=cancel)  # in-flight runs finish (workers ignore Ctrl-C)


class DaskEngine:
    """dask.distributed: a LocalCluster by default, or the scheduler at DASK_SCHEDULER_ADDRESS."""

    def __init__(self, workers: int, database_url: str, address: str = ""):
        from distributed import Client, LocalCluster

        from agents.batch.dask_plugin import WarmPipeline

        logging.getLogger("distributed").setLevel(logging.ERROR)  # its INFO lines would bury the progress bar
        self.cluster = None
        if address:
            self.client = Client(address, timeout="10s")
        else:
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.client.register_plugin(WarmPipeline(database_url), name=WarmPipeline.name)

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        from distributed import wait as dask_wait

        submit = lambda t: self.client.submit(underwrite, t, pure=False)  # noqa: E731
        return _bounded(tasks, submit, 2 * self.workers, lambda fs: dask_wait(fs, return_when="FIRST_COMPLETED").done)

    def close(self, *, cancel: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _bounded(
    tasks: Iterable[Task], submit: Callable[[Task], Any], limit: int, wait_some: Callable[[set[Any]], set[Any]]
) -> Iterator[Outcome]:
    """Submit at most `limit` tasks ahead of the results, yielding outcomes as they finish."""
    pending: dict[Any, Task] = {}
    for task in tasks:
        pending[submit(task)] = task
        if len(pending) >= limit:
            yield from _collect(pending, wait_some)
    while pending:
        yield from _collect(pending, wait_some)


def _collect(pending: dict[Any, Task], wait_some: Callable[[set[Any]], set[Any]]) -> Iterator[Outcome]:
    for future in wait_some(set(pending)):
        task = pending.pop(future)
        try:
            yield future.result()
        except Exception as exc:  # the worker itself died (killed, out of memory): the run stays resumable
            log.warning("row %s: worker failed: %s", task.row_number, type(exc).__name__)
            yield Outcome(
                task.row_number,
                task.run_id,
                "error",
                None,
                str(task.application.get("loan_type", "")),
                0.0,
                0.0,
                f"worker failed ({type(exc).__name__}); rerun the batch to resume",
            )
