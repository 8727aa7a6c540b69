"""Helpers shared by the decision PDF tests: a run's events for a given recommendation, its application's facts,
and the text of a PDF as pypdf reads it back."""

from __future__ import annotations

import io

from pypdf import PdfReader

from agents.events import AgentEvent, RunFinished, RunStarted
from agents.verdicts import AgentVerdict, CitedQuote, DecisionReport, Finding
from core.schemas import application_facts, validate_application

RUN = "11111111-2222-3333-4444-555555555555"
DTI_RULE = CitedQuote(
    chunk_id=44,
    doc_name="Conventional Conforming Loan Program Guide",
    page_num=4,
    section="5. Qualifying Ratios",
    subsection="5.2 Debt-to-Income Limits",
    quote="The maximum back-end DTI ratio for a conventional loan is 45%.",
)
NOTICE = CitedQuote(
    chunk_id=73,
    doc_name="Fair Lending and Adverse Action Policy",
    page_num=4,
    section="4. Notification of Action Taken",
    subsection="4.1 Timing",
    quote="Notice of action taken must be given within 30 days after receiving a completed application.",
)


def application(**changes) -> dict:
    return application_facts(validate_application({**APPLICATION, **changes}))


APPLICATION = {
    "applicant_name": "Lucinda Ferreira-Holt",
    "ssn": "900-11-0005",
    "credit_score": 700,
    "employment_status": "employed",
    "employment_years": 5,
    "monthly_income": 12000,
    "monthly_debts": 2220.15,
    "liquid_assets": 16000,
    "loan_type": "conventional",
    "loan_purpose": "purchase",
    "loan_amount": 400000,
    "property_value": 520000,
    "interest_rate": 6.875,
    "term_months": 360,
    "product": "fixed",
    "occupancy": "primary",
    "property_units": 1,
    "property_state": "TX",
    "annual_property_tax": 5200,
    "annual_insurance": 1440,
}


def events(recommendation: str, *, reasons=(), conditions=(), notice: bool = False) -> list:
    ratio = AgentVerdict(
        agent="ratio",
        verdict="COMPUTED",
        summary="ratios",
        facts={
            "piti": "3181.05",
            "front_end_dti": "26.51",
            "back_end_dti": "45.01",
            "ltv": "76.93",
            "cltv": "76.93",
            "reserves_months": "5.02",
        },
    )
    findings = (
        (
            Finding(
                rule_id="fair_lending.notice_days",
                label="Notice deadline",
                status="INFO",
                message="Send the adverse action notice within 30 days.",
                citation=NOTICE,
            ),
        )
        if notice
        else ()
    )
    decision = AgentVerdict(agent="decision", verdict=recommendation, summary="decided", findings=findings)
    report = DecisionReport(
        recommendation=recommendation,
        summary=f"{recommendation.title()}: test.",
        principal_reasons=tuple(reasons),
        conditions=tuple(conditions),
        citations=(DTI_RULE,),
        corpus_version="c0ffee",
        ruleset_version="r1",
    )
    return [
        RunStarted(RUN, "A-1", "c0ffee", "r1", {}),
        AgentEvent(RUN, "ratio", 1, ratio, None, (), 10.0),
        AgentEvent(RUN, "decision", 2, decision, None, (), 20.0),
        RunFinished(RUN, report, None, 1234.0, 0, 0, 0.0),
    ]


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
