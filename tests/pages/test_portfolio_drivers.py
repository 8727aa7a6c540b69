"""Portfolio: for a group below four-fifths, its principal reasons beside the reference group's and the HMDA
mapping assumptions that feed them, named on the page (issue 21, fairness drivers)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import Application, Batch, BatchItem, Run
from core.settings import PROJECT_ROOT
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "portfolio.py")
DB = "lg_pages_portfolio_drivers"
DTI = {"reason": "Excessive obligations in relation to income", "rule_id": "conventional.max_dti", "detail": "DTI"}
FUNDS = {"reason": "Insufficient funds to close the loan", "rule_id": "conventional.funds_to_close", "detail": "$"}

drivers_engine = seeded_clone(DB)


def _row(s: Session, batch_id: str, n: int, race: str, recommendation: str, reasons: list[dict]) -> None:
    app_id, run_id = str(uuid.uuid4()), str(uuid.uuid4())
    s.add(
        Application(
            id=app_id,
            applicant_name=f"HMDA applicant {n}",
            ssn_masked="***-**-0001",
            ssn_hash="0" * 64,
            loan_type="conventional",
            loan_amount=300000,
            data={},
        )
    )
    s.flush()
    s.add(
        Run(
            id=run_id,
            application_id=app_id,
            status="completed",
            recommendation=recommendation,
            errors=[],
            result={"recommendation": recommendation, "principal_reasons": reasons},
        )
    )
    s.add(
        BatchItem(
            batch_id=batch_id,
            row_number=n,
            run_id=run_id,
            monitoring={"race": race, "sex": "Not provided", "age": "35-44", "hmda_approved": True},
        )
    )


@pytest.fixture(scope="module")
def flagged_batch(drivers_engine):
    """A stored HMDA batch: White 36 of 40 approved, Black or African American 20 of 40 (AIR 0.56)."""
    with Session(drivers_engine) as s:
        s.add(
            Batch(
                id="d" * 32,
                file_name="hmda_slice.csv",
                source="hmda",
                status="completed",
                total_rows=80,
                refused=[],
                summary={"decided": 80},
            )
        )
        s.flush()
        plan = (
            [("White", "APPROVE", [])] * 36
            + [("White", "DECLINE", [DTI])] * 4
            + [("Black or African American", "APPROVE", [])] * 20
            + [("Black or African American", "DECLINE", [DTI])] * 14
            + [("Black or African American", "DECLINE", [DTI, FUNDS])] * 6
        )
        for n, (race, recommendation, reasons) in enumerate(plan, 1):
            _row(s, "d" * 32, n, race, recommendation, reasons)
        s.commit()
    return DB


def test_a_flagged_group_shows_its_reasons_beside_the_reference_and_the_mapping_assumptions(use_db, flagged_batch):
    use_db(flagged_batch)
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Race: **Black or African American** (20 not approved) beside **White** (4 not approved)" in text
    drivers = at.dataframe[-1].value
    assert drivers["Principal reason"].tolist() == [DTI["reason"], FUNDS["reason"]]
    assert drivers["Share of Black or African American's non-approvals"].tolist() == [1.0, 0.3]
    assert drivers["Share of White's non-approvals"].tolist() == [1.0, 0.0]
    assert "debt_to_income_ratio" in drivers["Mapping assumptions it reads"][0]
    assert "HMDA mapping assumptions" in text and "Credit score 720 for every row" in text
