"""Decision agent: APPROVE / APPROVE_WITH_CONDITIONS / REFER / DECLINE with principal reasons.

The order of precedence is in agents/README.md; it fails closed: an agent without a verdict or
a rule that could not be verified sends the file to a person, never to an approval.
"""

from __future__ import annotations

from agents.context import AgentContext, pinned_documents
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import (
    AgentVerdict,
    DecisionReport,
    Finding,
    IncompletenessNotice,
    PrincipalReason,
    Recommendation,
)
from policy.findings import Evidences, finding, unverified
from policy.inventory import requirements
from policy.outcomes import credit_disclosure, importance, missing_items, required_agents
from policy.publication import NO_RULEBOOK

UPSTREAM = ("intake", "ratio", "compliance", "policy", "underwriting")
# "most important first" (Reg B commentary): eligibility before capacity before collateral and credit
REASON_ORDER = (
    "qm",
    "program",
    "income",
    "dti",
    "housing_ratio",
    "ltv",
    "collateral",
    "credit_score",
    "assets",
    "employment",
    "none",
)


def recommend(state: LoanState) -> tuple[Recommendation, list[Finding], str]:
    """(recommendation, the findings that drove it, why) by the fixed order of precedence."""
    verdicts = [state[a] for a in UPSTREAM if a in state]
    findings = [f for v in verdicts for f in v.findings]
    missing = [a for a in required_agents(state) if a not in state]
    errored = [v.agent for v in verdicts if v.verdict == "ERROR"] + missing
    if errored or any(f.status == "UNVERIFIED" for f in findings):
        why = f"agent(s) {', '.join(errored)} reached no verdict" if errored else "a rule could not be verified"
        return "REFER", [f for f in findings if f.status == "UNVERIFIED"], why
    if state["intake"].verdict == "REJECT_INCOMPLETE":
        return (
            "INCOMPLETE",
            [f for f in state["intake"].findings if f.status == "FAIL"],
            "the application is incomplete",
        )
    for status, outcome, why in (
        ("FAIL", "DECLINE", "a policy rule is broken"),
        ("REVIEW", "REFER", "a rule requires human review"),
        ("CONDITION", "APPROVE_WITH_CONDITIONS", "the program attaches conditions"),
    ):
        hits = [f for f in findings if f.status == status]
        if hits:
            return outcome, hits, why
    return "APPROVE", [], "every rule is met"


def principal_reasons(
    drivers: list[Finding], state: LoanState, ctx: AgentContext, limit: int, outcome: Recommendation
) -> list[PrincipalReason]:
    """Reasons most important first: how far each rule is missed (fair lending policy 5.2). A credit score
    below the minimum gives the bureau's key factors; without them it gives none (a notice task instead)."""
    app = state["application"]
    rules = ctx.evidence.rules_of(state.get("policy_publication_id"))
    family = lambda f: rules[f.rule_id].reason_family if f.rule_id in rules else "program"  # noqa: E731
    reasons: list[PrincipalReason] = []
    for f in sorted(drivers, key=lambda f: importance(f, REASON_ORDER.index(family(f)))):
        texts = [f.adverse_reason] if f.adverse_reason else []
        if family(f) == "credit_score":
            texts = list(app.credit_key_factors)
        if not texts and outcome == "REFER":
            texts = [f.label[:1].upper() + f.label[1:]]  # a referral reason, not an adverse-action reason
        for text in texts:
            if text not in [r.reason for r in reasons]:
                reasons.append(
                    PrincipalReason(
                        reason=text, rule_id=f.rule_id, detail=f.message, citation=f.citation, remedy=f.remedy
                    )
                )
    return reasons[:limit]


def _notices(
    outcome: Recommendation, drivers: list[Finding], state: LoanState, ev: Evidences, own: list[Finding], rules: dict
) -> dict:
    """The incompleteness notice, the FCRA disclosure and the notice tasks this outcome needs."""
    app = state["application"]
    out: dict = {}
    if outcome == "INCOMPLETE":
        deadline, within = ev.get("fair_lending.incomplete_notice_deadline"), ev.get("fair_lending.notice_days")
        if deadline.found and within.found:
            out["incompleteness_notice"] = IncompletenessNotice(
                missing_items=tuple(missing_items(state["intake"].findings)),
                deadline_days=int(deadline.value()),
                send_within_days=int(within.value()),
                citation=deadline.citation,
            )
            own.append(
                finding(
                    deadline,
                    "INFO",
                    f"Send a notice of incompleteness within {within.value()} days listing "
                    f"the missing items, with a deadline of at least {deadline.value()} calendar days.",
                )
            )
        else:
            own.append(unverified(deadline if not deadline.found else within))
    if outcome == "DECLINE" and any(
        rules.get(f.rule_id) and rules[f.rule_id].reason_family == "credit_score" for f in drivers
    ):
        out["credit_score_disclosure"], tasks = credit_disclosure(app)
        out["notice_tasks"] = tuple(tasks)
    return out


def decision_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    ev = Evidences(ctx.evidence, state.get("policy_publication_id"))
    if ctx.evidence.publication(state.get("policy_publication_id")) is None:
        return no_rulebook(state)
    outcome, drivers, why = recommend(state)
    max_reasons = ev.get("fair_lending.max_adverse_reasons")
    notice = ev.get("fair_lending.notice_days")
    own: list[Finding] = []
    if outcome in ("DECLINE", "REFER") and drivers:
        if not max_reasons.found:
            outcome, why, own = "REFER", "the reason limit could not be verified", [unverified(max_reasons)]
        else:
            own.append(finding(max_reasons, "INFO", f"At most {max_reasons.value()} principal reasons are stated."))
    if outcome == "DECLINE":
        if notice.found:
            own.append(finding(notice, "INFO", f"Send the adverse action notice within {notice.value()} days."))
        else:
            outcome, why, own = "REFER", "the notice deadline could not be verified", own + [unverified(notice)]
    notices = _notices(outcome, drivers, state, ev, own, ev.rules)
    if outcome == "INCOMPLETE" and "incompleteness_notice" not in notices:
        outcome, why = "REFER", "the notice of incompleteness could not be verified"
    limit = int(max_reasons.value()) if max_reasons.found else 0
    reasons = principal_reasons(drivers, state, ctx, limit, outcome) if outcome in ("DECLINE", "REFER") else []
    conditions = tuple(f.message for f in drivers) if outcome == "APPROVE_WITH_CONDITIONS" else ()
    every = [f for a in UPSTREAM if a in state for f in state[a].findings]
    policy = state.get("policy")
    report = DecisionReport(
        recommendation=outcome,
        summary=f"{outcome.replace('_', ' ').title()}: {why}.",
        findings=tuple(f"{f.status}: {f.message}" for f in every if f.status != "PASS"),
        conditions=conditions,
        principal_reasons=tuple(reasons),
        citations=tuple({c.chunk_id: c for f in every if (c := f.citation)}.values()),
        corpus_version=state.get("corpus_version", ""),
        ruleset_version=state.get("ruleset_version", ""),
        standard_conditions=(
            requirements.standard_texts(
                policy.facts.get("standard_conditions", ()),
                requirements.locator_for(
                    ctx.session_factory, state.get("corpus_version", ""), pinned_documents(ctx, state)
                ),
            )
            + tuple(policy.facts.get("guide_conditions", ()))
        )
        if policy
        else (),
        **notices,
    )
    verdict = AgentVerdict(
        agent="decision",
        verdict=outcome,
        summary=report.summary,
        findings=tuple(own),
        reasoning=" ".join(f"{r.reason} ({r.detail})" for r in reasons) or report.summary,
        conditions=conditions,
        facts={"reasons": [r.reason for r in reasons], "notice_tasks": list(report.notice_tasks)},
    )
    return AgentOutput(verdict, ev.all(), extra={"report": report})


def no_rulebook(state: LoanState) -> AgentOutput:
    """No rulebook is published for the corpus: nothing can be decided, and the report says so in one line
    rather than one UNVERIFIED finding per rule."""
    message = (
        f"{NO_RULEBOOK[0].upper()}{NO_RULEBOOK[1:]}: a credit-policy officer must review and publish one "
        "(Policy page, or python -m policy publish) before files are decided"
    )
    report = DecisionReport(
        recommendation="REFER",
        summary=f"Refer: {NO_RULEBOOK}.",
        findings=(f"UNVERIFIED: {message}",),
        corpus_version=state.get("corpus_version", ""),
        ruleset_version=state.get("ruleset_version", ""),
    )
    own = Finding(rule_id="policy.no_rulebook", label="Published rulebook", status="UNVERIFIED", message=message)
    verdict = AgentVerdict(
        agent="decision",
        verdict="REFER",
        summary=report.summary,
        findings=(own,),
        reasoning=message,
        facts={"reasons": [], "notice_tasks": []},
    )
    return AgentOutput(verdict, [], extra={"report": report})


def fail_closed_report(state: LoanState, message: str) -> dict:
    """The report stored when the Decision agent itself crashes: REFER, so the run still ends with one."""
    every = [f for a in UPSTREAM if a in state for f in state[a].findings]
    report = DecisionReport(
        recommendation="REFER",
        summary=f"Refer: the decision agent failed ({message}); a person must decide.",
        findings=tuple(f"{f.status}: {f.message}" for f in every if f.status != "PASS"),
        corpus_version=state.get("corpus_version", ""),
        ruleset_version=state.get("ruleset_version", ""),
    )
    return {"report": report}
