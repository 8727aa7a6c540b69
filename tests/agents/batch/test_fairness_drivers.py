"""What drives a group below four-fifths: its non-approvals' principal reasons beside the reference group's,
and the HMDA mapping assumptions behind each reason (issue 21, fairness drivers)."""

from __future__ import annotations

import pytest

from agents.batch.__main__ import describe_drivers
from agents.batch.hmda import load_mapping
from agents.fairness import fairness_table
from agents.fairness_drivers import flagged_drivers, mapping_assumptions

pytestmark = pytest.mark.unit
DTI = {"reason": "Excessive obligations in relation to income", "rule_id": "conventional.max_dti"}
FUNDS = {"reason": "Insufficient funds to close the loan", "rule_id": "conventional.funds_to_close"}


def rows(group: str, approved: int, *declined: tuple[int, list[dict]]):
    out = [
        {"status": "completed", "recommendation": "APPROVE", "reasons": [], "monitoring.race": group}
        for _ in range(approved)
    ]
    for count, reasons in declined:
        out += [
            {"status": "completed", "recommendation": "DECLINE", "reasons": reasons, "monitoring.race": group}
            for _ in range(count)
        ]
    return out


@pytest.fixture
def results():
    # White 36/40 approved (reference), Black 20/40 (AIR 0.556: flagged); Asian 10 rows: too few, never flagged
    return (
        rows("White", 36, (4, [DTI]))
        + rows("Black or African American", 20, (14, [DTI]), (6, [DTI, FUNDS]))
        + rows("Asian", 2, (8, [FUNDS]))
    )


def test_a_flagged_group_gets_its_reasons_beside_the_reference_groups(results):
    (found,) = flagged_drivers(results, fairness_table(results, attributes=("race",)))
    assert (found.group, found.reference, found.group_not_approved, found.reference_not_approved) == (
        "Black or African American",
        "White",
        20,
        4,
    )
    shares = {r.reason: (r.group_share, r.reference_share) for r in found.reasons}
    assert shares == {DTI["reason"]: (1.0, 1.0), FUNDS["reason"]: (0.3, 0.0)}
    assert all(r.assumptions == () for r in found.reasons)  # not a HMDA batch: no mapping to name


def test_on_a_hmda_batch_each_reason_names_the_mapping_assumptions_that_feed_it(results):
    (found,) = flagged_drivers(results, fairness_table(results, attributes=("race",)), mapping=load_mapping())
    by_reason = {r.reason: r.assumptions for r in found.reasons}
    dti = " ".join(by_reason[DTI["reason"]])
    assert "debt_to_income_ratio" in dti and "30%-<36% as 33%" in dti and "income (thousands a year) / 12" in dti
    assert any("6 months of the assumed housing payment" in a for a in by_reason[FUNDS["reason"]])
    assert not any("Credit score" in a for a in by_reason[DTI["reason"]])  # only what the rule reads


def test_the_cli_prints_the_drivers_and_their_assumptions(results):
    from dataclasses import asdict

    found = flagged_drivers(results, fairness_table(results, attributes=("race",)), mapping=load_mapping())
    text = "\n".join(describe_drivers([asdict(d) for d in found]))
    assert "drivers of race: Black or African American (20 not approved) beside White (4 not approved)" in text
    assert " 30.0% vs   0.0%  Insufficient funds to close the loan" in text
    assert "mapping assumption: Monthly debts = HMDA debt_to_income_ratio" in text


def test_every_stated_assumption_is_named_with_the_values_of_the_mapping_file():
    mapping = load_mapping()
    texts = mapping_assumptions(mapping)
    assert f"Credit score {mapping['assumptions']['credit_score']} for every row" in texts["credit"]
    assert "jumbo above $832,750" in texts["program"] and "3 investment" in texts["occupancy"]


def test_a_rule_is_tied_to_the_figures_its_own_name_reads_not_its_namespace():
    """A DTI rule under the QM namespace ("atr_qm.dti_review_above") reads the DTI, not the pricing assumptions."""
    from agents.fairness_drivers import assumptions_for

    named = " ".join(assumptions_for(["atr_qm.dti_review_above"], load_mapping()))
    assert "debt_to_income_ratio" in named and "APR" not in named
    assert "APR" in " ".join(assumptions_for(["atr_qm.points_and_fees"], load_mapping()))
