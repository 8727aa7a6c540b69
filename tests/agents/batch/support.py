"""Helpers shared by the batch tests: four sample applications (one per outcome) with their expected decisions."""

from __future__ import annotations

import json

from tests.agents.conftest import SAMPLES

PICKS = (
    "01_conventional_clean_approve",
    "05_conventional_dti_4501_no_comp_decline",
    "21_conventional_employment_1yr_refer",
    "24_fha_clean_ltv_965_conditions",
)


def _samples() -> list[tuple[dict, str]]:
    """(raw application, expected decision) for each sample in PICKS."""
    out = []
    for name in PICKS:
        data = json.loads(next(p for p in SAMPLES if p.stem == name).read_text())
        out.append((data["application"], data["expected"]["decision"]))
    return out
