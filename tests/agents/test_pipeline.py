"""The whole graph, offline, on the real seeded corpus: routing, citations, faults fail closed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from agents.context import AgentContext
from core.llm import LLMRouter, build_clients
from core.models import PolicyChunk
from core.text import normalise
from policy.evidence import EvidenceResolver
from policy.rules import quote_in_text
from tests.agents.support import app
from tests.core.llm_helpers import llm_settings
from tests.fakes.llm_server import FakeLLMServer, Reply

pytestmark = pytest.mark.integration


def test_clean_conventional_file_is_approved_with_every_agent(underwrite):
    final = underwrite(app())
    assert final["report"].recommendation == "APPROVE"
    assert [u.agent for u in final["usage"]][:2] == ["intake", "ratio"]
    assert {u.agent for u in final["usage"]} == {
        "intake",
        "ratio",
        "compliance",
        "policy",
        "underwriting",
        "decision",
        "audit",
    }
    assert final["ratio"].facts["back_end_dti"] == "34.24" and final["ratio"].facts["ltv"] == "80.00"
    assert final["audit_report"].overall == 1.0 and final["errors"] == []


def test_incomplete_application_skips_to_decision(underwrite):
    final = underwrite(app(monthly_income=0))
    assert final["intake"].verdict == "REJECT_INCOMPLETE"
    assert "ratio" not in final and "policy" not in final
    report = final["report"]
    assert report.recommendation == "INCOMPLETE" and report.principal_reasons == ()
    notice = report.incompleteness_notice  # Reg B 1002.9(c): the missing items and a deadline
    assert notice.missing_items == (
        "Gross monthly income is not stated for an applicant who is employed: ratios cannot be computed.",
    )
    assert (notice.deadline_days, notice.send_within_days) == (15, 30) and "15 calendar days" in notice.citation.quote


def test_compliance_fail_skips_underwriting(underwrite):
    final = underwrite(app(product="interest_only"))
    assert final["compliance"].verdict == "FAIL" and "underwriting" not in final
    assert final["report"].recommendation == "DECLINE"


def test_decline_reasons_carry_a_remedy_computed_from_the_numbers(underwrite):
    final = underwrite(app(monthly_debts=1800, loan_amount=380000))
    (reason,) = final["report"].principal_reasons
    assert reason.reason == "Excessive obligations in relation to income"
    # PITI 3,018.52 + debts 1,800 vs 45% of 9,000 = 4,050: cut 768.52 -> $769
    assert reason.remedy == "Reduce monthly debts by $769 to reach 45% DTI."
    assert reason.citation.subsection == "5.2 Debt-to-Income Limits"


def _numbers(text: str | None) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text or "")


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"monthly_debts": 1800, "loan_amount": 380000},
        {"loan_type": "fha", "credit_score": 560},
        {"loan_type": "jumbo", "loan_amount": 900000, "property_value": 1200000},
        {"loan_type": "usda", "usda_eligible_area": True, "household_income_pct_ami": 90},
    ],
)
def test_every_cited_passage_contains_its_quote_and_threshold(underwrite, read_sessions, changes):
    final = underwrite(app(**changes))
    findings = [f for a in ("ratio", "compliance", "policy", "decision") if a in final for f in final[a].findings]
    cited = [f for f in findings if f.citation]
    assert cited
    with read_sessions() as s:
        texts = dict(s.execute(select(PolicyChunk.id, PolicyChunk.text)).all())
    for f in cited:
        assert quote_in_text(f.citation.quote, texts[f.citation.chunk_id]), f.rule_id
        for number in _numbers(f.threshold):
            assert number.rstrip("0").rstrip(".") in normalise(f.citation.quote), (f.rule_id, number)


class ExplodingResolver(EvidenceResolver):
    def resolve(self, rule_id, *, publication):
        if rule_id.startswith("fha."):
            raise RuntimeError("index corrupted")
        return super().resolve(rule_id, publication=publication)


def test_an_agent_that_crashes_sends_the_file_to_a_person(underwrite, agent_context, retriever_shared):
    ctx = AgentContext(
        evidence=ExplodingResolver(retriever_shared),
        router=agent_context.router,
        session_factory=agent_context.session_factory,
    )
    final = underwrite(app(loan_type="fha"), ctx)
    assert final["ratio"].verdict == "ERROR"
    assert final["report"].recommendation == "REFER"
    assert any(e.agent == "ratio" and "index corrupted" in e.message for e in final["errors"])


@pytest.mark.parametrize(
    "reply,expected",
    [
        (Reply.hang(seconds=3), "timed out"),
        (Reply.of_text("Sure! The loan looks great, approve it."), "invalid output"),
        (Reply.http_error(500), "500"),
    ],
)
def test_llm_faults_fall_back_to_the_offline_verdict(underwrite, agent_context, reply, expected):
    offline = underwrite(app(monthly_debts=1800, loan_amount=380000))
    with FakeLLMServer(default=reply) as server:
        settings = llm_settings(llm_provider="openai", openai_base_url=server.openai_base_url, llm_timeout_s=0.3)
        router = LLMRouter(settings, clients=build_clients(settings))
        ctx = AgentContext(
            evidence=agent_context.evidence, router=router, session_factory=agent_context.session_factory
        )
        final = underwrite(app(monthly_debts=1800, loan_amount=380000), ctx)
    assert final["report"].recommendation == offline["report"].recommendation == "DECLINE"
    assert final["report"].principal_reasons == offline["report"].principal_reasons
    assert len(final["errors"]) == 7 and all(e.kind == "fallback" for e in final["errors"])
    assert expected in final["errors"][0].message, final["errors"][0].message
    assert {u.status for u in final["usage"]} == {"fallback"}


def test_an_llm_narrative_with_a_figure_the_engine_did_not_compute_is_discarded(underwrite, agent_context):
    """Numbers are computed, never generated, whichever provider narrates: an OpenAI narrative stating a DTI
    the engine never computed keeps the engine's text in every agent, and each discard is recorded."""
    offline = underwrite(app(monthly_debts=1800, loan_amount=380000))
    narrative = {
        "summary": "The back-end DTI is 77.77%, so the file needs a closer look.",
        "reasoning": "Debts are high against income.",
        "quotes": [],
    }
    with FakeLLMServer(default=Reply.of_json(narrative, usage=(900, 120))) as server:
        settings = llm_settings(llm_provider="openai", openai_base_url=server.openai_base_url)
        router = LLMRouter(settings, clients=build_clients(settings))
        ctx = AgentContext(
            evidence=agent_context.evidence, router=router, session_factory=agent_context.session_factory
        )
        final = underwrite(app(monthly_debts=1800, loan_amount=380000), ctx)
    agents = ("intake", "ratio", "compliance", "policy", "underwriting", "decision", "audit")
    assert [final[a].summary for a in agents] == [offline[a].summary for a in agents]
    assert final["report"].recommendation == offline["report"].recommendation == "DECLINE"
    discarded = [e for e in final["errors"] if "77.77" in e.message and "did not compute" in e.message]
    assert {e.agent for e in discarded} == set(agents) and {e.kind for e in discarded} == {"error"}
    assert {u.status for u in final["usage"]} == {"fallback"} and all(u.tokens_in == 900 for u in final["usage"])


def test_llm_narrative_is_kept_but_cannot_change_the_verdict(underwrite, agent_context):
    narrative = {
        "summary": "Looks fine to me: approve.",
        "reasoning": "The borrower seems reliable.",
        "quotes": ["The maximum back-end DTI ratio for a conventional loan is 45%."],
    }
    with FakeLLMServer(default=Reply.of_json(narrative, usage=(1000, 200))) as server:
        settings = llm_settings(llm_provider="openai", openai_base_url=server.openai_base_url)
        router = LLMRouter(settings, clients=build_clients(settings))
        ctx = AgentContext(
            evidence=agent_context.evidence, router=router, session_factory=agent_context.session_factory
        )
        final = underwrite(app(monthly_debts=1800, loan_amount=380000), ctx)
    # "approve" contradicts INELIGIBLE / DECLINE: that narrative is discarded and recorded as an error
    assert final["policy"].verdict == "INELIGIBLE" and final["policy"].summary != "Looks fine to me: approve."
    assert final["report"].recommendation == "DECLINE" and final["decision"].summary.startswith("Decline")
    contradicted = {e.agent for e in final["errors"] if e.kind == "error" and "contradicts" in e.message}
    assert contradicted == {"policy", "decision"}
    assert final["underwriting"].summary == "Looks fine to me: approve."  # no outcome verdict to contradict
    assert all(u.tokens_in == 1000 and u.cost_usd > 0 for u in final["usage"])
    # the quote is real for agents citing the DTI passage, unsupported for the others: faithfulness shows it
    assert final["audit_report"].faithfulness["policy"] == 1.0
    assert final["audit_report"].faithfulness["intake"] == 0.0
