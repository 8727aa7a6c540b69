"""The worker side of a batch: one warm pipeline per process (`agents.service.get_service`, built once),
a task's row run (or resumed) to its end, and a watchdog that ends a worker whose batch process died.
Imported by the engines (agents/batch/engines.py) and the Dask worker plugin; it imports neither."""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


def watch_parent(poll_s: float = PARENT_POLL_S, parent: int | None = None) -> None:
    """Exit this worker process once its parent (`parent`, the batch process's pid) is gone: re-parented
    to init or a subreaper.

    The pool's own queue does not notice a parent killed with -9: its workers keep deciding the rows
    already queued and then wait forever. A run cut here stays resumable, as after any kill. The parent's
    pid is given by the parent: a worker still starting when the batch process died would otherwise take
    its new parent (init) for the one to watch, and live on."""
    parent = os.getppid() if parent is None else parent

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        log.warning("batch process %s is gone: worker %s exits", parent, os.getpid())
        os._exit(3)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def init_worker(database_url: str | None = None, service: Any = None, parent: int | None = None) -> None:
    """Build this process's pipeline once (a process-pool initializer, with the batch process's pid as
    `parent`; a Dask worker plugin, watching the process that started it)."""
    global _SERVICE
    if service is None:
        import signal

        from agents.service import get_service
        from core.settings import use_database

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the batch process stops handing out rows,
        # and this worker finishes the run it is on instead of leaving it half-done
        watch_parent(parent=parent)  # a worker whose batch process died (kill -9) exits, not decides on alone
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
        stream = (
            _SERVICE.resume(task.run_id)
            if task.resume
            else _SERVICE.run(validate_application(task.application), run_id=task.run_id)
        )
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
    return Outcome(
        task.row_number,
        task.run_id,
        status,
        recommendation,
        program,
        time.perf_counter() - started,
        _DbClock.seconds - db_before,
        message,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        errors,
    )
