"""The LoanGraph exception tree. Catch what you can handle; everything else is a bug.

LoanGraphError
 +-- ConfigurationError        settings that cannot work (e.g. PII routed to an external API)
 +-- DatabaseUnavailable       the database cannot be reached or started
 +-- IngestError               one input file cannot be ingested (reason is one line)
 +-- InvalidApplication        a loan application refused before any agent runs (one message per field)
 +-- LLMError                  an LLM call gave no usable answer; the agent uses the offline verdict
 |    +-- LLMTimeout           no reply within LLM_TIMEOUT_S
 |    +-- LLMInvalidOutput     a reply that is not JSON or does not match the schema
 |    +-- LLMProviderError     HTTP error, auth failure, connection refused
 +-- ModelUnavailable          a local model is missing (we never download at run time)
 +-- RunBusy                   another process is running or resuming this run right now
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # core.llm imports this module; the annotation must not import it back
    from core.llm.types import LLMUsage


class LoanGraphError(Exception):
    """Base class for errors we expect and explain to the user."""


class ConfigurationError(LoanGraphError):
    pass


class DatabaseUnavailable(LoanGraphError):
    pass


class IngestError(LoanGraphError):
    """A file that cannot be ingested; `str(err)` is a one-line reason."""


class ModelUnavailable(LoanGraphError):
    pass


class RunBusy(LoanGraphError):
    """Another process holds the run (agents.run_claim); nothing was changed."""


class InvalidApplication(LoanGraphError):
    """An application that fails validation; `field_errors` maps each bad field to one human message."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("invalid application: " + "; ".join(self.messages()))

    def messages(self) -> list[str]:
        """One line per bad field, e.g. "credit_score: must be between 300 and 850"."""
        return [f"{field}: {message}" for field, message in self.field_errors.items()]

    def __reduce__(self) -> tuple[Any, ...]:  # keeps the error picklable (checkpoints, worker processes)
        return (type(self), (self.field_errors,))


class LLMError(LoanGraphError):
    """A provider call that produced no usable answer; `str(err)` is one line naming the provider.

    `usage` carries the tokens billed for a reply that was then rejected (None when unknown).
    """

    def __init__(self, message: str, *, usage: "LLMUsage | None" = None) -> None:
        super().__init__(message)
        self.usage = usage


class LLMTimeout(LLMError):
    pass


class LLMInvalidOutput(LLMError):
    pass


class LLMProviderError(LLMError):
    pass


def database_outages() -> tuple[type[BaseException], ...]:
    """What a database that is down, frozen or restarting raises (imported on use: the CLIs start light)."""
    from psycopg import OperationalError as PsycopgOperationalError
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    return DatabaseUnavailable, OperationalError, PsycopgOperationalError, PoolTimeout


def outage_message(exc: BaseException) -> str:
    """The one line a CLI prints when the database fails before anything started (the mid-run line's
    twin, agents.service): never the driver's multi-line text, never a traceback."""
    reason = type(exc).__name__
    if isinstance(exc, DatabaseUnavailable):  # our own message says which server and why
        reason = (str(exc).splitlines() or [reason])[0][:300]
    return (
        f"The database is unavailable ({reason}); nothing was stored or changed. "
        "Run the same command again once it is back."
    )
