"""`run_underwriting(application)`: run the graph, persist as it goes, yield one event per agent.

Each agent's result is committed as soon as it lands. If the database goes away mid-run the run
is reported as interrupted and `resume(run_id)` continues from the last LangGraph checkpoint.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from psycopg import OperationalError as PsycopgOperationalError
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents import persistence as repo
from agents.checkpoint import checkpointer_ready
from agents.context import AgentContext
from agents.events import AgentEvent, RunEvent, RunFinished, RunInterrupted, RunStarted
from agents.graph import AGENT_ORDER
from agents.run_claim import claim_run
from agents.state import LoanState, start_state, stored_start_state
from agents.verdicts import AgentUsage
from core.errors import DatabaseUnavailable, InvalidApplication, LoanGraphError
from core.models import Run
from core.pii import hash_key, ssn_hash
from core.schemas import LoanApplication
from core.settings import Settings
from policy.evidence import EvidenceResolver
from policy.version import policy_version

log = logging.getLogger(__name__)

OUTAGES = (OperationalError, PsycopgOperationalError, DatabaseUnavailable)
APPLICATION_REF_INDEX = "uq_applications_application_ref"
ID_TAKEN = "is already used by another application: an ID belongs to one application"


@dataclass(frozen=True)
class Pinned:
    """The policy a new run decides under: the newest publication (none: every file is referred)."""

    publication_id: int | None
    corpus_version: str
    ruleset_version: str
    policy_version: str | None


def pin_policy(evidence: EvidenceResolver, *, session: Session) -> Pinned:
    pub = evidence.publication(evidence.current_id())
    if pub is None:
        return Pinned(None, repo.corpus_version(session=session), "none", None)
    return Pinned(
        pub.id,
        pub.corpus_version,
        pub.rulebook_hash,
        policy_version(rulebook_hash=pub.rulebook_hash, corpus_version=pub.corpus_version),
    )


class UnderwritingService:
    """Built once per process (see `get_service`); safe to share between sessions and threads."""

    def __init__(
        self,
        *,
        graph: CompiledStateGraph,
        context: AgentContext,
        session_factory: sessionmaker[Session],
        settings: Settings,
    ):
        self.graph, self.context, self.sessions, self.settings = graph, context, session_factory, settings

    def run(self, app: LoanApplication, *, run_id: str | None = None) -> Iterator[RunEvent]:
        """Underwrite `app` (already validated), yielding events as agents finish.

        `run_id` lets a caller that must never decide a file twice (a batch) name the run first.
        """
        # our own key for every submission; the applicant's application_id stays in the stored facts
        run_id, application_id = run_id or str(uuid.uuid4()), str(uuid.uuid4())
        if not self._checkpointer_ready():  # before anything is stored: no run that cannot checkpoint
            raise DatabaseUnavailable(
                "the checkpoint store is not reachable yet (database just recovered or down); "
                "nothing was stored, submit again"
            )
        with claim_run(self.sessions.kw["bind"], run_id):
            pinned = self._store_new_run(app, run_id, application_id)
            yield RunStarted(
                run_id, application_id, pinned.corpus_version, pinned.ruleset_version, self.context.router.routes()
            )
            state = start_state(
                run_id,
                app,
                ssn_masked=app.ssn_masked,
                corpus_version=pinned.corpus_version,
                ruleset_version=pinned.ruleset_version,
                policy_publication_id=pinned.publication_id,
                policy_version=pinned.policy_version,
            )
            yield from self._stream(run_id, state)

    def _store_new_run(self, app: LoanApplication, run_id: str, application_id: str) -> Pinned:
        """Store the application and its run under the current policy; a taken application ID is the refusal."""
        try:
            with self.sessions.begin() as session:
                pinned = pin_policy(self.context.evidence, session=session)
                repo.save_application(
                    app,
                    session=session,
                    application_id=application_id,
                    ssn_hash=ssn_hash(app.ssn.get_secret_value(), hash_key(self.settings)),
                )
                session.flush()
                repo.start_run(
                    session=session,
                    run_id=run_id,
                    application_id=application_id,
                    corpus=pinned.corpus_version,
                    ruleset=pinned.ruleset_version,
                    routes=self.context.router.routes(),
                    publication_id=pinned.publication_id,
                    policy_version=pinned.policy_version,
                )
        except IntegrityError as exc:  # the unique index decides, so two submissions at once cannot both win
            if getattr(getattr(exc.orig, "diag", None), "constraint_name", None) == APPLICATION_REF_INDEX:
                raise InvalidApplication({"application_id": ID_TAKEN}) from None
            raise
        return pinned

    def resume(self, run_id: str) -> Iterator[RunEvent]:
        """Continue an interrupted run from its last checkpoint (a finished run just reports again).

        RunBusy when another process is running or resuming it at this moment (nothing is changed)."""
        with claim_run(self.sessions.kw["bind"], run_id):
            yield from self._resume_claimed(run_id)

    def _resume_claimed(self, run_id: str) -> Iterator[RunEvent]:
        with self.sessions() as session:
            run = session.get(Run, run_id)
            if run is None:
                raise LoanGraphError(f"no run with id {run_id}")
            if run.status == "completed":
                yield _finished_from(run)
                return
            if run.status == "failed":
                raise LoanGraphError(
                    f"run {run_id} was marked failed and cannot be resumed; submit the application again"
                )
            if not self._checkpointer_ready():
                yield RunInterrupted(
                    run_id,
                    "The database is still unavailable; nothing was changed. Resume again "
                    f"later with: python -m agents.run --resume {run_id}",
                )
                return
            snapshot = self.graph.get_state(self._config(run_id))
            start: LoanState | None = None
            if not snapshot.values:  # interrupted before the first checkpoint: start over
                start = stored_start_state(
                    run_id,
                    run.application.data,
                    corpus_version=run.corpus_version,
                    ruleset_version=run.ruleset_version,
                    policy_publication_id=run.policy_publication_id,
                    policy_version=run.policy_version,
                )
            run.status = "running"
            session.commit()
        yield from self._stream(run_id, start)

    def mark_failed(self, run_id: str, reason: str) -> None:
        """Close an unfinished run for good: it is no longer offered for resume."""
        with self.sessions.begin() as session:
            repo.mark_failed(session=session, run_id=run_id, reason=reason)

    def _checkpointer_ready(self) -> bool:
        """After an outage the checkpointer's pool reconnects with backoff: wait for it (bounded)."""
        return self.graph.checkpointer is None or checkpointer_ready(self.graph.checkpointer)

    def _config(self, run_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": run_id}}

    def _stream(self, run_id: str, state: LoanState | None) -> Iterator[RunEvent]:
        started = time.perf_counter()
        try:
            for chunk in self.graph.stream(
                state, self._config(run_id), context=self.context, stream_mode="updates", durability="sync"
            ):
                for node, update in chunk.items():
                    if node in AGENT_ORDER and update:
                        yield self._record(run_id, node, update, started)
            yield self._finish(run_id, started)
        except OUTAGES as exc:
            message = (
                f"The database became unavailable during the run ({type(exc).__name__}). Everything "
                f"saved so far is kept; resume with: python -m agents.run --resume {run_id}"
            )
            log.warning("run %s interrupted: %s", run_id, exc)
            self._try_mark_interrupted(run_id, message)
            yield RunInterrupted(run_id, message)

    def _record(self, run_id: str, agent: str, update: dict[str, Any], started: float) -> AgentEvent:
        usage: AgentUsage | None = (update.get("usage") or [None])[0]
        with self.sessions.begin() as session:
            seq = repo.save_agent(
                session=session,
                run_id=run_id,
                seq=repo.next_seq(session=session, run_id=run_id),
                verdict=update[agent],
                usage=usage,
                retrievals=update.get("retrievals", []),
            )
        return AgentEvent(
            run_id,
            agent,
            seq,
            update[agent],
            usage,
            tuple(update.get("errors", [])),
            (time.perf_counter() - started) * 1000,
        )

    def _finish(self, run_id: str, started: float) -> RunFinished:
        values = self.graph.get_state(self._config(run_id)).values
        report, audit_report = values["report"], values.get("audit_report")
        usage, errors = values.get("usage", []), values.get("errors", [])
        latency = (time.perf_counter() - started) * 1000
        with self.sessions.begin() as session:
            _store_missing_traces(session, run_id, values)
            repo.finish_run(
                session=session,
                run_id=run_id,
                result=report.model_dump(mode="json"),
                latency_ms=latency,
                usage=usage,
                errors=errors,
            )
            if audit_report is not None:
                repo.set_faithfulness(session=session, run_id=run_id, scores=audit_report.faithfulness)
        return RunFinished(
            run_id,
            report,
            audit_report,
            latency,
            sum(u.tokens_in for u in usage),
            sum(u.tokens_out for u in usage),
            sum(u.cost_usd for u in usage),
            tuple(errors),
        )

    def _try_mark_interrupted(self, run_id: str, message: str) -> None:
        try:
            with self.sessions.begin() as session:
                repo.mark_interrupted(session=session, run_id=run_id, message=message)
        except SQLAlchemyError:
            log.warning("could not mark run %s interrupted (database still unavailable)", run_id)


def _store_missing_traces(session: Session, run_id: str, values: dict[str, Any]) -> None:
    """Traces for agents whose results reached a checkpoint but whose own trace did not (the outage
    fell between the two), so a resumed run has every agent without re-running any."""
    for agent in AGENT_ORDER:
        verdict = values.get(agent)
        if verdict is None or repo.stored_seq(session=session, run_id=run_id, agent=agent) is not None:
            continue
        usage = next((u for u in values.get("usage", []) if u.agent == agent), None)
        retrievals = [r for r in values.get("retrievals", []) if r.get("agent") == agent]
        repo.save_agent(
            session=session,
            run_id=run_id,
            seq=repo.next_seq(session=session, run_id=run_id),
            verdict=verdict,
            usage=usage,
            retrievals=retrievals,
        )
        log.info("run %s: stored the %s trace from the checkpoint", run_id, agent)


def _finished_from(run: Run) -> RunFinished:
    from agents.verdicts import DecisionReport

    return RunFinished(
        run.id,
        DecisionReport.model_validate(run.result),
        None,
        run.latency_ms or 0.0,
        run.tokens_in,
        run.tokens_out,
        run.cost_usd,
    )


@lru_cache(maxsize=1)
def get_service() -> UnderwritingService:
    """The process-wide service: database, retriever, LLM router, checkpointer and graph, built once."""
    from agents.checkpoint import build_checkpointer
    from agents.graph import build_graph
    from core.db import get_engine, get_sessionmaker
    from core.keys import require_production_keys
    from core.llm import build_router
    from core.settings import get_settings
    from policy.publication import ensure_first_start
    from rag.retrieval.pipeline import get_retriever

    settings = get_settings()
    require_production_keys(settings)  # production: keys from the environment, never generated
    router = build_router(settings)  # refuses to start on a PII-unsafe configuration or egress
    ensure_first_start(get_sessionmaker())  # our own corpus's rulebook, when its check passes; never a lender's
    context = AgentContext(
        evidence=EvidenceResolver(get_retriever()), router=router, session_factory=get_sessionmaker()
    )
    graph = build_graph(build_checkpointer(get_engine().url))
    return UnderwritingService(graph=graph, context=context, session_factory=get_sessionmaker(), settings=settings)


def close_service() -> None:
    """Forget the process-wide service and close its checkpointer's connection pool, so no pool is left
    to be collected later by one of its own worker threads (tests and settings reloads)."""
    if get_service.cache_info().currsize:
        pool = getattr(getattr(get_service().graph, "checkpointer", None), "conn", None)
        close = getattr(pool, "close", None)
        if callable(close):
            close()
    get_service.cache_clear()


def mark_run_failed(run_id: str, reason: str) -> None:
    """Close an unfinished run for good with the process-wide database (no models or graph needed)."""
    from core.db import get_sessionmaker

    with get_sessionmaker().begin() as session:
        repo.mark_failed(session=session, run_id=run_id, reason=reason)


def run_underwriting(app: LoanApplication) -> Iterator[RunEvent]:
    """Underwrite one validated application with the process-wide service."""
    return get_service().run(app)
