"""The CLI refuses hostile files with exit 2, one line per field, no traceback and no echo of the data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.settings import PROJECT_ROOT
from tests.agents.conftest import SAMPLES

pytestmark = pytest.mark.integration


def sample_application() -> dict:
    return json.loads(next(p for p in SAMPLES if "clean_approve" in p.name).read_text())["application"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"application": ' + "[" * 100_000 + "]" * 100_000 + "}", "application: is nested more than 16 levels deep"),
        (
            json.dumps(
                {
                    **sample_application(),
                    "applicant_name": "Secret\u0000Name",
                    "monthly_income": "1e309",
                    "term_months": True,
                    "property_state": ["CA"],
                    "loan_amount": 1e12,
                }
            ),
            "applicant_name: must not contain control",
        ),
        ('{"monthly_income": NaN}', "application: is not valid JSON (NaN is not a number JSON allows)"),
    ],
)
def test_hostile_files_are_refused_with_exit_2(tmp_path, settings, content, expected):
    path = tmp_path / "app.json"
    path.write_text(content)
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", str(path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert "Secret" not in done.stderr and "900-11-0001" not in done.stderr and "0001" not in done.stderr
    if "Secret" in content:
        for line in (
            "monthly_income: must be a number, not text",
            "term_months: must be a number, not true or false",
            "property_state: must be a 2-letter USPS state code",
            "loan_amount: must be at most 100,000,000",
        ):
            assert line in done.stderr


def test_fail_names_an_unknown_run_with_exit_2(settings, empty_engine):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": "lg_empty", "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", "--fail", "no-such-run"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "error: no run with id no-such-run" in done.stderr


def test_a_giant_exponent_is_refused_by_field_not_hung_on(tmp_path, settings):
    # issue 22: int(Decimal("1E+9999999")) held the CLI for minutes; the deadline only guards a hang
    text = json.dumps({**sample_application(), "term_months": 0}).replace(
        '"term_months": 0', '"term_months": 1e9999999'
    )
    path = tmp_path / "app.json"
    path.write_text(text)
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", str(path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "term_months: must be between 1 and 480" in done.stderr
    assert "Traceback" not in done.stderr
