"""Policy agent: the loan program's rules (policy.engine) and the requirement inventory, as one verdict."""

from __future__ import annotations

from agents.context import AgentContext, pinned_documents
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import AgentVerdict
from policy.engine import evaluate
from policy.findings import Evidences, worst
from policy.inventory import requirements
from policy.inventory.uncovered import guide_conditions, pinned_corpus

VERDICTS = {"FAIL": "INELIGIBLE", "REVIEW": "REVIEW", "UNVERIFIED": "UNVERIFIED"}


def policy_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    app = state["application"]
    ev = Evidences(ctx.evidence, state.get("policy_publication_id"))
    findings = evaluate(app, state["ratios"], ev, ev.rules)
    locator = requirements.locator_for(
        ctx.session_factory, state.get("corpus_version", ""), pinned_documents(ctx, state)
    )
    covered = requirements.describes(locator)
    inventory = (
        requirements.evaluate(app, state["ratios"], locator) if covered else requirements.RequirementResult((), ())
    )
    # a guide no inventory covers yet: every obligation sentence of it is carried as a cited standard condition
    guide = (
        ()
        if covered
        else guide_conditions(pinned_corpus(ctx.session_factory, pinned_documents(ctx, state)), app.loan_type)
    )
    findings += inventory.findings
    status = worst(findings)
    verdict = VERDICTS.get(status, "ELIGIBLE")
    broken = [f for f in findings if f.status in ("FAIL", "REVIEW", "UNVERIFIED")]
    summary = f"{app.loan_type.upper()} program: " + (
        "all rules met." if not broken else "; ".join(f.message for f in broken[:3])
    )
    reasoning = " ".join(f"{f.status}: {f.message}" for f in findings)
    return AgentOutput(
        AgentVerdict(
            agent="policy",
            verdict=verdict,
            summary=summary,
            reasoning=reasoning,
            findings=tuple(findings),
            facts={"standard_conditions": list(inventory.standard_ids), "guide_conditions": list(guide)},
            conditions=tuple(f.message for f in findings if f.status == "CONDITION"),
        ),
        ev.all(),
    )
