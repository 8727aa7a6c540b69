"""Helpers shared by agent tests (and others): a clean conventional application to vary, the service built on a
given database, a service that cuts the database after a chosen agent, and a rulebook with one value changed."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import sessionmaker

from agents.checkpoint import build_checkpointer
from agents.context import AgentContext
from agents.graph import build_graph
from agents.service import UnderwritingService
from agents.state import LoanState, start_state
from core.llm import LLMRouter
from core.schemas import LoanApplication, validate_application
from core.settings import PROJECT_ROOT
from policy.evidence import EvidenceResolver
from policy.figures import RatioFigures
from policy.rules import Value, load_rules
from rag.retrieval import Retriever
from rag.retrieval.rerank import NoOpReranker

BASE: dict[str, Any] = {
    "applicant_name": "Dana Smith",
    "ssn": "900-12-3456",
    "credit_score": 700,
    "employment_status": "employed",
    "employment_years": 6,
    "monthly_income": 9000,
    "monthly_debts": 600,
    "liquid_assets": 120000,
    "loan_type": "conventional",
    "loan_purpose": "purchase",
    "loan_amount": 320000,
    "property_value": 400000,
    "interest_rate": 6.5,
    "term_months": 360,
    "product": "fixed",
    "occupancy": "primary",
    "property_units": 1,
    "property_state": "CO",
    "annual_property_tax": 4000,
    "annual_insurance": 1500,
    "monthly_hoa": 0,
    "points_and_fees": 3000,
    "first_time_buyer": False,
    "veteran": False,
    "apr": 6.625,
    "apor": 6.375,
}


def app(**changes: Any) -> LoanApplication:
    """BASE (a clean conventional approval) with `changes`, validated."""
    return validate_application({**BASE, **changes})


def make_service(engine, embedder, settings, resolver_cls=EvidenceResolver) -> UnderwritingService:
    """The underwriting service on `engine`'s database, offline, with a checkpointer there."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    retriever = Retriever(session_factory=sessions, embedder=embedder, reranker=NoOpReranker(), settings=settings)
    ctx = AgentContext(evidence=resolver_cls(retriever), router=LLMRouter(settings), session_factory=sessions)
    return UnderwritingService(
        graph=build_graph(build_checkpointer(engine.url)), context=ctx, session_factory=sessions, settings=settings
    )


class CutAfter(UnderwritingService):
    """Cuts the database right after the named agent's trace is committed."""

    cut_after: str | None = None
    cut = None

    def _record(self, run_id, agent, update, started):
        event = super()._record(run_id, agent, update, started)
        if agent == self.cut_after:
            self.cut_after = None
            self.cut()
        return event


def with_min_score(score: int):
    """The bundled rulebook with the conventional minimum credit score set to `score`."""
    rules = load_rules()
    return tuple(
        dataclasses.replace(r, values={"value": Value(Decimal(score), "score")})
        if r.id == "conventional.min_credit_score"
        else r
        for r in rules
    )


def graph_state(app: LoanApplication, **pins: Any) -> LoanState:
    """A run's start state for `app` (validated), pinned to the test corpus unless `pins` say otherwise."""
    return start_state(
        str(pins.pop("run_id", "test")),
        app,
        ssn_masked=app.ssn_masked,
        **{
            "corpus_version": "test",
            "ruleset_version": "test",
            "policy_publication_id": None,
            "policy_version": None,
            **pins,
        },
    )


def ratio_figures(**changes: Decimal | None) -> RatioFigures:
    """Ratio agent figures for a check under test: 0 everywhere (no residual income) but `changes`."""
    zero = {name: Decimal(0) for name in RatioFigures.model_fields}
    return RatioFigures(**{**zero, "residual_income": None, **changes})


def write_fuzz_figures(request: Any, figures: Mapping[str, Any], name: str, **extra: Any) -> None:
    """A fuzz module's counters as test-artifacts/<name>-<hypothesis profile>.json (`make fuzz` prints them)."""
    profile = request.config.getoption("hypothesis_profile", None) or "fast"
    out = PROJECT_ROOT / "test-artifacts" / f"{name}-{profile}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"profile": profile, **figures, **extra}, indent=2, sort_keys=True))
