"""What the citation explorer shows: recent runs, an agent's rule lookups and citations, free questions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents.runs import RunRow, get_run, list_runs, retrieval_traces
from agents.verdicts import CitedQuote
from core.errors import DatabaseUnavailable
from dashboard.retrieval_trace import trace_chunk_ids
from rag.answer import Answer, answer
from rag.ingest import corpus_stats
from rag.retrieval.store import ChunkDetail, chunk_details
from rag.retrieval.types import Filters

RUN_CHOICES = 200  # the most recent runs offered in the run picker


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only session; a lost database becomes DatabaseUnavailable with a message the page can show."""
    try:
        with factory() as session:
            yield session
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"the database stopped answering ({type(exc).__name__})") from exc


@dataclass(frozen=True)
class Lookup:
    """One retrieval an agent made: the rule it looked up, the query, and the trace of every stage."""

    rule_id: str | None
    query: str
    trace: dict[str, Any]

    def label(self) -> str:
        return f"{self.rule_id} — {self.query}" if self.rule_id else self.query


@dataclass(frozen=True)
class AgentEvidence:
    agent: str
    verdict: str
    summary: str
    lookups: tuple[Lookup, ...]
    citations: tuple[CitedQuote, ...]
    chunks: Mapping[int, ChunkDetail]  # every chunk any lookup or citation mentions


@dataclass(frozen=True)
class AgentChoice:
    agent: str
    lookups: int
    citations: int
    verdict: str = ""

    def label(self) -> str:
        verdict = f" {self.verdict}," if self.verdict else ""
        return f"{self.agent} ({verdict} {self.lookups} lookups, {self.citations} citations)".replace("( ", "(")


# how strongly a verdict drives the outcome; the auditor's first question is "which agent said no?"
SEVERITY = {
    "FAIL": 3,
    "INELIGIBLE": 3,
    "REJECT_INCOMPLETE": 3,
    "UNSUPPORTED": 3,
    "ERROR": 3,
    "REVIEW": 2,
    "WARN": 2,
    "UNVERIFIED": 2,
    "PARTIAL": 1,
}
OUTCOME_AGENTS = ("decision", "audit")  # they report the outcome; they do not drive it


def driving_agent(choices: Sequence[AgentChoice]) -> int:
    """Index of the agent that drove the outcome: the most severe FAIL/REVIEW among the deciding agents,
    else the first agent that looked policy up, else the first."""
    ranked = [(SEVERITY.get(c.verdict, 0), -i) for i, c in enumerate(choices) if c.agent not in OUTCOME_AGENTS]
    if ranked and max(ranked)[0] > 0:
        return -max(ranked)[1]
    return next((i for i, c in enumerate(choices) if c.lookups), 0)


def recent_runs(factory: sessionmaker[Session]) -> list[RunRow]:
    with reading(factory) as session:
        return list_runs(session=session, limit=RUN_CHOICES)


def find_run(factory: sessionmaker[Session], run_id: str) -> RunRow | None:
    """The run with this id (for a run opened by its address that is not among the recent ones), or None."""
    with reading(factory) as session:
        rows = list_runs(session=session, run_id=run_id, limit=1)
    return rows[0] if rows else None


def run_label(row: RunRow) -> str:
    when = row.started_at.strftime("%Y-%m-%d %H:%M")
    outcome = row.recommendation or row.status
    return f"{row.applicant} · {row.loan_type} · {outcome} · {when} · {row.run_id[:8]}"


def preselect(options: Sequence[str], state: Mapping[str, Any], *keys: str, default: int = 0) -> int:
    """The index of the first of `keys` in `state` whose value is one of `options`, else `default`."""
    for key in keys:
        if state.get(key) in options:
            return list(options).index(state[key])
    return default


def run_agents(factory: sessionmaker[Session], run_id: str) -> list[AgentChoice]:
    """The run's agents in the order they finished, with how many lookups and citations each made."""
    with reading(factory) as session:
        run = get_run(run_id, session=session)
        if run is None:
            return []
        counts: dict[str, int] = {}
        for record in run.retrieval_traces:
            counts[record.agent] = counts.get(record.agent, 0) + 1
        return [
            AgentChoice(t.agent, counts.get(t.agent, 0), len(t.citations or []), (t.verdict or {}).get("verdict", ""))
            for t in run.agent_traces
        ]


def agent_evidence(factory: sessionmaker[Session], run_id: str, agent: str) -> AgentEvidence | None:
    """The agent's verdict, lookups and citations in a run, with every chunk they mention resolved."""
    with reading(factory) as session:
        run = get_run(run_id, session=session)
        trace = next((t for t in run.agent_traces if t.agent == agent), None) if run else None
        if trace is None:
            return None
        lookups = tuple(
            Lookup(r.trace.get("rule_id"), r.query, r.trace) for r in retrieval_traces(run_id, agent, session=session)
        )
        citations = tuple(CitedQuote.model_validate(c) for c in trace.citations or [])
        ids = {c.chunk_id for c in citations}.union(*(trace_chunk_ids(lk.trace) for lk in lookups))
        chunks = chunk_details(session=session, ids=ids)
        verdict = trace.verdict or {}
        return AgentEvidence(agent, verdict.get("verdict", ""), verdict.get("summary", ""), lookups, citations, chunks)


def knowledge_base_chunks(factory: sessionmaker[Session]) -> int:
    with reading(factory) as session:
        return corpus_stats(session=session)["chunks"]


@st.cache_resource(show_spinner="Loading the retrieval models...")
def retriever():
    from rag.retrieval.pipeline import get_retriever

    return get_retriever()


def ask(
    factory: sessionmaker[Session], question: str, filters: Filters | None = None
) -> tuple[Answer, Mapping[int, ChunkDetail]]:
    """Answer `question` from the policy library (current versions unless `filters` say otherwise),
    with the chunks its trace mentions resolved."""
    try:
        result = answer(question, retriever=retriever(), filters=filters)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"the database stopped answering ({type(exc).__name__})") from exc
    ids = trace_chunk_ids(result.trace.to_dict()) if result.trace else set()
    with reading(factory) as session:
        return result, chunk_details(session=session, ids=ids)
