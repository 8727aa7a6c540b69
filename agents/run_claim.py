"""One process at a time works on a run: a PostgreSQL advisory lock held for as long as it streams.

A process killed with -9 loses its connection and with it the lock, so a dead run can still be
resumed; two `--resume` of one run at once see one proceed and the other told it is taken.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from core.errors import RunBusy

log = logging.getLogger(__name__)

_LOCK = text("SELECT pg_try_advisory_lock(hashtextextended(:key, 22))")
_UNLOCK = text("SELECT pg_advisory_unlock(hashtextextended(:key, 22))")


@contextmanager
def claim_run(engine: Engine, run_id: str) -> Iterator[None]:
    """Hold run `run_id` for the block; RunBusy at once if another process holds it."""
    key = f"run:{run_id}"
    conn = engine.connect()
    try:
        held = bool(conn.scalar(_LOCK, {"key": key}))
        conn.commit()
    except BaseException:
        conn.close()
        raise
    if not held:
        conn.close()
        raise RunBusy(
            f"run {run_id} is already being run or resumed by another process; nothing was changed "
            f"(when it ends: python -m agents.run --resume {run_id} reports its decision)"
        )
    try:
        yield
    finally:
        _release(conn, key)


def _release(conn, key: str) -> None:
    try:
        conn.scalar(_UNLOCK, {"key": key})
        conn.commit()
        conn.close()
    except SQLAlchemyError:  # the database went away mid-run: the lock went with the connection
        log.debug("advisory lock for %s released with its connection", key)
        conn.invalidate()
