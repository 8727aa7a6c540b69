"""The underwriting pipeline as a LangGraph StateGraph. The whole wiring is at the bottom.

Intake -> Ratio -> (Compliance || Policy) -> Underwriting -> Decision -> Audit, with two short
cuts to Decision: an incomplete application after Intake, a compliance FAIL after the checks.
"""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.audit import audit_engine
from agents.compliance import compliance_engine
from agents.context import AgentContext
from agents.decision import decision_engine, fail_closed_report
from agents.intake import intake_engine
from agents.node import agent_node
from agents.policy import policy_engine
from agents.ratio import ratio_engine
from agents.state import LoanState
from agents.underwriting import underwriting_engine

AGENT_ORDER = ("intake", "ratio", "compliance", "policy", "underwriting", "decision", "audit")


def after_intake(state: LoanState) -> Literal["ratio", "decision"]:
    return "decision" if state["intake"].verdict == "REJECT_INCOMPLETE" else "ratio"


def after_checks(state: LoanState) -> Literal["underwriting", "decision"]:
    return "decision" if state["compliance"].verdict == "FAIL" else "underwriting"


def checks_done(state: LoanState) -> dict:
    """Join point after the parallel Compliance and Policy agents (not an agent; writes nothing)."""
    return {}


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    g = StateGraph(LoanState, context_schema=AgentContext)
    g.add_node("intake", agent_node("intake", intake_engine))
    g.add_node("ratio", agent_node("ratio", ratio_engine))
    g.add_node("compliance", agent_node("compliance", compliance_engine))
    g.add_node("policy", agent_node("policy", policy_engine))
    g.add_node("checks_done", checks_done)
    g.add_node("underwriting", agent_node("underwriting", underwriting_engine))
    g.add_node("decision", agent_node("decision", decision_engine, on_error=fail_closed_report))
    g.add_node("audit", agent_node("audit", audit_engine))

    g.add_edge(START, "intake")
    g.add_conditional_edges("intake", after_intake)
    g.add_edge("ratio", "compliance")
    g.add_edge("ratio", "policy")
    g.add_edge(["compliance", "policy"], "checks_done")
    g.add_conditional_edges("checks_done", after_checks)
    g.add_edge("underwriting", "decision")
    g.add_edge("decision", "audit")
    g.add_edge("audit", END)
    return g.compile(checkpointer=checkpointer)
