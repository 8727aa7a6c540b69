"""Where a batch's rows run: in this process, in a local process pool, or on Dask.

Every worker holds one warm pipeline (`agents.service.get_service`, built once per process) and
connects to the same PostgreSQL; with the embedded server, the batch process owns it and workers
connect to its URI. A task names its run id before it starts, so a row is never decided twice.
"""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Protocol

from agents.events import RunFinished, RunInterrupted

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    row_number: int
    run_id: str
    application: dict[str, Any]  # the row's application fields (validated again in the worker)
    resume: bool  # the run exists but did not finish: continue it rather than start another


@dataclass(frozen=True)
class Outcome:
    row_number: int
    run_id: str
    status: str  # decided | interrupted | refused (the row, e.g. an ID taken meanwhile) | error
    recommendation: str | None
    program: str
    seconds: float
    db_seconds: float
    message: str = ""
    worker_peak_rss_mb: float = 0.0
    errors: dict[str, str] = field(default_factory=dict)  # a refused row's field errors (our words, no values)


class Engine(Protocol):
    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]: ...
    def close(self, *, cancel: bool = False) -> None: ...


# --- the worker side -----------------------------------------------------------------------------

class _DbClock:
    """Seconds spent waiting on PostgreSQL in this process (SQL statements and checkpoint writes)."""

    seconds = 0.0

    @classmethod
    def instrument(cls, service: Any) -> None:
        from sqlalchemy import event

        engine = service.sessions.kw["bind"]
        event.listen(engine, "before_cursor_execute", lambda conn, *a: conn.info.__setitem__("t0", time.perf_counter()))
        event.listen(engine, "after_cursor_execute", lambda conn, *a: cls._add(time.perf_counter() - conn.info["t0"]))
        saver = getattr(service.graph, "checkpointer", None)
        for name in ("put", "put_writes", "get_tuple"):
            if saver is not None and hasattr(saver, name):
                setattr(saver, name, cls._timed(getattr(saver, name)))

    @classmethod
    def _add(cls, seconds: float) -> None:
        cls.seconds += seconds

    @classmethod
    def _timed(cls, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                cls._add(time.perf_counter() - t0)
        return timed


_SERVICE: Any = None
PARENT_POLL_S = 1.0  # how often a worker checks that its batch process is still alive


def watch_parent(poll_s: float = PARENT_POLL_S) -> None:
    """Exit this worker process once its parent is gone (re-parented to init or a subreaper).

    The pool's own queue does not notice a parent killed with -9: its workers keep deciding the rows
    already queued and then wait forever. A run cut here stays resumable, as after any kill."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        log.warning("batch process %s is gone: worker %s exits", parent, os.getpid())
        os._exit(3)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def init_worker(database_url: str | None = None, service: Any = None) -> None:
    """Build this process's pipeline once (a process-pool initializer, a Dask worker plugin)."""
    global _SERVICE
    if service is None:
        from agents.service import get_service
        from core.settings import use_database

        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the batch process stops handing out rows,
        # and this worker finishes the run it is on instead of leaving it half-done
        watch_parent()  # a worker whose batch process died (kill -9) exits instead of deciding on alone
        if database_url:
            use_database(database_url)
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        service = get_service()
    _DbClock.instrument(service)
    _SERVICE = service


def underwrite(task: Task) -> Outcome:
    """Run (or resume) one row's run to its end; never raises, never echoes applicant data."""
    from core.errors import InvalidApplication, RunBusy
    from core.schemas import validate_application

    started, db_before = time.perf_counter(), _DbClock.seconds
    program, recommendation, status, message = str(task.application.get("loan_type", "")), None, "error", ""
    errors: dict[str, str] = {}
    try:
        if _SERVICE is None:
            raise RuntimeError("worker has no pipeline (init_worker was not called)")
        stream = (_SERVICE.resume(task.run_id) if task.resume
                  else _SERVICE.run(validate_application(task.application), run_id=task.run_id))
        for event in stream:
            if isinstance(event, RunFinished):
                status, recommendation = "decided", event.report.recommendation
            elif isinstance(event, RunInterrupted):
                status, message = "interrupted", "the database became unavailable; rerun the batch to resume"
    except InvalidApplication as exc:  # refused in the worker (an application ID taken since planning): nothing stored
        status, message = "refused", "; ".join(exc.messages())
        errors = dict(exc.field_errors)
    except RunBusy as exc:  # another process holds this run (a second batch on the same file): it decides it
        message = str(exc)
    except Exception as exc:  # one bad row must not stop the batch; the run (if any) stays resumable
        log.warning("row %s failed: %s", task.row_number, type(exc).__name__)
        message = f"{type(exc).__name__}: the run stopped; rerun the batch to resume it"
    return Outcome(task.row_number, task.run_id, status, recommendation, program,
                   time.perf_counter() - started, _DbClock.seconds - db_before, message,
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, errors)


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
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                        initializer=init_worker, initargs=(database_url,))

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        return _bounded(tasks, lambda t: self.pool.submit(underwrite, t), 2 * self.workers,
                        lambda fs: wait(fs, return_when=FIRST_COMPLETED)[0])

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
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
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


def _bounded(tasks: Iterable[Task], submit: Callable[[Task], Any], limit: int,
             wait_some: Callable[[set[Any]], set[Any]]) -> Iterator[Outcome]:
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
            yield Outcome(task.row_number, task.run_id, "error", None, str(task.application.get("loan_type", "")),
                          0.0, 0.0, f"worker failed ({type(exc).__name__}); rerun the batch to resume")
