"""The LangGraph Postgres checkpointer, so an interrupted run resumes by its run id."""

from __future__ import annotations

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointTuple
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout
from pydantic import SecretStr
from sqlalchemy.engine import URL

from agents.legacy_state import upgraded
from agents.verdicts import (
    AgentError,
    AgentUsage,
    AgentVerdict,
    AuditReport,
    CitedQuote,
    DecisionReport,
    Finding,
    PrincipalReason,
)
from core.db_deadlines import connect_kwargs, deadline_connection_class, reply_timeout_s
from core.schemas import LoanApplication
from core.settings import Settings, get_settings
from policy.figures import RatioFigures

# How long a checkpoint write waits for a connection before the run is reported interrupted (the
# pool's default, 30 s, left an officer staring at a spinner for a minute during an outage).
POOL_TIMEOUT_S = 5.0

# Our state holds these pydantic models; the serializer restores only types it is told about. A model is
# stored as its `model_dump()` (nested models as dicts) and restored by its constructor, so each top-level
# type is named here; the application's (redacted) SSN is a SecretStr.
STATE_TYPES = [
    (cls.__module__, cls.__name__)  # where the class is defined, which is what the serializer records
    for cls in (
        AgentVerdict,
        Finding,
        CitedQuote,
        DecisionReport,
        PrincipalReason,
        AgentError,
        AgentUsage,
        AuditReport,
        LoanApplication,
        SecretStr,
        RatioFigures,
    )
]


class LoanStateSaver(PostgresSaver):
    """The Postgres checkpointer, reading checkpoints of older runs in today's state types (agents.legacy_state)."""

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return upgraded(super().get_tuple(config))


def libpq_url(url: URL) -> str:
    """A plain libpq connection string for an SQLAlchemy URL (psycopg wants no driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_checkpointer(url: URL, settings: Settings | None = None) -> PostgresSaver:
    settings = settings or get_settings()
    pool = ConnectionPool(
        libpq_url(url),
        min_size=1,
        max_size=4,
        open=True,
        check=ConnectionPool.check_connection,
        timeout=POOL_TIMEOUT_S,
        connection_class=deadline_connection_class(reply_timeout_s(settings)),
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row, **connect_kwargs(settings)},
    )
    # No setup(): its tables are created by the schema owner in core.db.migrate; the app role may
    # not create tables.
    return LoanStateSaver(pool, serde=JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES))


# After an outage the pool reconnects in the background with exponential backoff (1, 2, 4, 8 s...);
# a resume waits this long for it rather than failing on the pool's 5 s checkout timeout.
RESUME_WAIT_S = 30.0


def checkpointer_ready(saver: PostgresSaver, timeout_s: float = RESUME_WAIT_S) -> bool:
    """True once the checkpointer's pool can hand out a connection, False after `timeout_s`."""
    pool = getattr(saver, "conn", None)
    if not isinstance(pool, ConnectionPool):
        return True
    try:
        with pool.connection(timeout=timeout_s):
            return True
    except PoolTimeout:
        return False
