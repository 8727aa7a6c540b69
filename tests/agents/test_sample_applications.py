"""Every sample application reaches the decision and reasons worked out by hand from the policy."""

from __future__ import annotations

import pytest

from tests.agents.conftest import SAMPLES, load_sample

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_matches_hand_worked_outcome(underwrite, path):
    app, expected = load_sample(path)
    final = underwrite(app)
    report = final["report"]
    assert report.recommendation == expected["decision"], report.findings
    assert [r.reason for r in report.principal_reasons] == expected["reasons"]
    decided_by = {r.rule_id for r in report.principal_reasons} | {
        f.rule_id for a in ("compliance", "policy") if a in final for f in final[a].findings
        if f.status in ("FAIL", "REVIEW", "CONDITION")}
    # a finding cites one rule where the hand-worked file may name two (e.g. a DTI band and its
    # compensating-factor rule): at least one named rule must be among those that decided
    assert not expected["rules"] or set(expected["rules"]) & decided_by, (expected["rules"], decided_by)
    assert list(report.notice_tasks) == expected.get("notice_tasks", [])
    assert final["errors"] == []


def test_samples_cover_every_program_and_decision():
    outcomes = {(load_sample(p)[0].loan_type, load_sample(p)[1]["decision"]) for p in SAMPLES}
    assert {t for t, _ in outcomes} == {"conventional", "fha", "va", "usda", "jumbo"}
    assert {d for _, d in outcomes} == {"APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE", "INCOMPLETE"}
    assert len(SAMPLES) >= 24
