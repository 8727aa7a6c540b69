"""Load the underwriting pipeline (models, retriever, graph) in the background while the Overview renders.

`start` is idempotent and returns at once; `state` says whether the load is running and for how long;
`underwriting_service` waits for a warm-up in progress instead of building a second pipeline beside it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_started = _ended = 0.0  # time.monotonic() of the current warm-up's start and end
_error: str | None = None


@dataclass(frozen=True)
class WarmupState:
    """Where the background load stands: idle (never started), loading, ready or failed, and its seconds."""

    status: Literal["idle", "loading", "ready", "failed"]
    elapsed_s: float = 0.0
    error: str | None = None


def _warm() -> None:
    global _ended, _error
    from agents.service import get_service
    from rag.embeddings import get_embedder
    from rag.embeddings_cache import unwrap

    try:
        get_service()
        # the embedder loads on its first vector; a dashboard loads it here, in the background, so the first
        # question that is not in the vector cache (a citation search, a new rule query) does not wait for it
        unwrap(get_embedder())
        log.info("underwriting pipeline loaded in the background")
    except Exception as exc:  # noqa: BLE001 - the first submission builds it again and reports the error
        log.warning("background load of the underwriting pipeline failed: %s", exc)
        _error = f"{type(exc).__name__}: {exc}"
    finally:
        _ended = time.monotonic()


def start() -> None:
    """Begin loading the pipeline in a daemon thread (once per process)."""
    global _thread, _started, _error
    with _lock:
        if _thread is None:
            _started, _error = time.monotonic(), None
            _thread = threading.Thread(target=_warm, name="loangraph-warmup", daemon=True)
            _thread.start()


def state() -> WarmupState:
    with _lock:
        thread = _thread
    if thread is None:
        return WarmupState("idle")
    if thread.is_alive():
        return WarmupState("loading", time.monotonic() - _started)
    return WarmupState("failed" if _error else "ready", _ended - _started, _error)


def wait(timeout: float | None = None) -> bool:
    """Block until a started warm-up has finished, or for `timeout` seconds. True when none is running."""
    with _lock:
        thread = _thread
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


def reset() -> None:
    """Wait for a warm-up and forget it, so the next `start` loads again (tests that repoint the settings)."""
    global _thread
    wait()
    with _lock:
        _thread = None
