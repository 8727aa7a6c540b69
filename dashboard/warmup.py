"""Load the underwriting pipeline (models, retriever, graph) in the background while the Overview renders.

`start` is idempotent and returns at once; `underwriting_service` waits for a warm-up in progress
instead of building a second pipeline beside it.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _warm() -> None:
    from agents.service import get_service

    try:
        get_service()
        log.info("underwriting pipeline loaded in the background")
    except Exception as exc:  # noqa: BLE001 - the first submission builds it again and reports the error
        log.warning("background load of the underwriting pipeline failed: %s", exc)


def start() -> None:
    """Begin loading the pipeline in a daemon thread (once per process)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_warm, name="loangraph-warmup", daemon=True)
            _thread.start()


def wait() -> None:
    """Block until a started warm-up has finished (no-op when none was started)."""
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join()


def reset() -> None:
    """Wait for a warm-up and forget it, so the next `start` loads again (tests that repoint the settings)."""
    global _thread
    wait()
    with _lock:
        _thread = None
