"""Every database wait has a deadline: connect, statement, lock, and a reply from the server.

The server enforces statement_timeout and lock_timeout; libpq enforces connect_timeout. A frozen
server (stopped, or a network that swallows packets) enforces nothing, so our psycopg connections
also give up when no reply arrives within the statement timeout plus REPLY_MARGIN_S: the
connection is closed and the caller sees an OperationalError, which a run reports as interrupted.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import Engine, event

from core.settings import Settings

log = logging.getLogger(__name__)

REPLY_MARGIN_S = 5.0  # the server's own statement_timeout fires first for a slow but live query


def server_options(settings: Settings) -> str:
    """libpq `options`: the server-side timeouts for every session we open."""
    return (
        f"-c statement_timeout={int(settings.db_statement_timeout_s * 1000)} "
        f"-c lock_timeout={int(settings.db_lock_timeout_s * 1000)} "
        f"-c idle_in_transaction_session_timeout={int(settings.db_idle_in_transaction_timeout_s * 1000)}"
    )


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for psycopg.connect (SQLAlchemy connect_args, the checkpointer's pool)."""
    # libpq rounds connect_timeout to whole seconds and treats 1 as 2
    return {"connect_timeout": max(2, round(settings.db_connect_timeout_s)), "options": server_options(settings)}


def reply_timeout_s(settings: Settings) -> float:
    return settings.db_statement_timeout_s + REPLY_MARGIN_S


def deadline_connection_class(timeout_s: float) -> type[psycopg.Connection]:
    """A psycopg Connection whose every wait for the server ends after `timeout_s`."""

    class DeadlineConnection(psycopg.Connection):
        reply_timeout_s = timeout_s

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:  # psycopg's own signature
            try:
                return super().wait(gen, interval, timeout if timeout is not None else self.reply_timeout_s)
            except pg_errors._WaitTimeout:  # noqa: SLF001 - psycopg's documented wait-timeout error
                log.warning("no reply from the database within %.0f s: closing the connection", self.reply_timeout_s)
                self.pgconn.finish()  # unknown state: never reuse it
                raise psycopg.OperationalError(
                    f"no reply from the database within {self.reply_timeout_s:.0f} s (server frozen or unreachable)"
                ) from None

    return DeadlineConnection


def apply_to_engine(engine: Engine, settings: Settings) -> Engine:
    """Make `engine` open its connections with the timeouts and the reply deadline."""
    connection_class = deadline_connection_class(reply_timeout_s(settings))

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, conn_rec: Any, cargs: Any, cparams: Any) -> Any:  # noqa: ARG001 - SQLAlchemy's hook signature
        return connection_class.connect(*cargs, **{**cparams, **connect_kwargs(settings)})

    return engine
