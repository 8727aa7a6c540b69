"""Counterfactual fairness: who the applicant is never changes the decision, its reasons or its numbers.

For every sample application, the same file with another name and other monitoring data (sex, race,
ethnicity, age, marital status, ZIP), read through the batch path, is decided identically.
"""

from __future__ import annotations

import json

import pytest

from agents.batch.runner import parse_rows
from core.schemas import application_facts, validate_application
from tests.agents.conftest import SAMPLES

pytestmark = pytest.mark.integration

VARIANTS = [
    {
        "applicant_name": "Li Wei",
        "monitoring": {
            "sex": "Female",
            "race": "Asian",
            "ethnicity": "Not Hispanic or Latino",
            "age": "25-34",
            "marital_status": "Married",
            "zip": "94110",
        },
    },
    {
        "applicant_name": "José Álvarez-Núñez",
        "monitoring": {
            "sex": "Male",
            "race": "White",
            "ethnicity": "Hispanic or Latino",
            "age": ">74",
            "marital_status": "Separated",
            "zip": "78207",
        },
    },
    {
        "applicant_name": "DeShawn Washington",
        "race": "Black or African American",
        "sex": "Male",
        "age": "<25",
        "marital_status": "Unmarried",
        "zip": "60621",
    },
]


def _decision(final) -> dict:
    report = final["report"]
    return {
        "recommendation": report.recommendation,
        "reasons": [(r.reason, r.rule_id, r.detail, r.remedy) for r in report.principal_reasons],
        "conditions": list(report.conditions),
        "findings": list(report.findings),
        "numbers": dict(final["ratio"].facts) if final.get("ratio") else None,
        "summary": report.summary,
    }


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:40])
def test_name_and_monitoring_data_never_change_the_outcome(sample, underwrite, tmp_path):
    application = json.loads(sample.read_text())["application"]
    baseline = _decision(underwrite(validate_application(application)))
    path = tmp_path / "variants.jsonl"
    path.write_text("".join(json.dumps({**application, **v}) + "\n" for v in VARIANTS))
    valid, refused, _ = parse_rows(path, source="application")
    assert refused == [] and len(valid) == len(VARIANTS)
    for (_, fields, monitoring), variant in zip(valid, VARIANTS):
        assert monitoring and not set(monitoring) & set(application_facts(validate_application(fields)))
        assert _decision(underwrite(validate_application(fields))) == baseline, variant["applicant_name"]
