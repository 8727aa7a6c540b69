"""Writes applications/*.json: files near the Keystone Valley manuals' CHANGED limits (one just inside, one
just outside), each made from one of our seed applications with the figures recomputed, and the outcome
the Keystone thresholds imply (not what our own corpus would decide; `ours` says that).

Run: PYTHONPATH=. python seed_data/lenders/keystone_valley/make_applications.py
"""

from __future__ import annotations

import json
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "applications"
KEY_FACTORS = ["Delinquent past or present credit obligations with others", "Collection action or judgment"]
DTI, LTV = "Excessive obligations in relation to income", "Value or type of collateral not sufficient"
RESERVES = "Other, specify: Insufficient verified funds to close or for required reserves"
CENT = D("0.01")


def figures(a: dict, template: dict) -> dict:
    """Recomputed figures for a conventional (LTV <= 80) or jumbo file; other files keep the template's PITI."""
    f = dict(template["expected"]["figures"])
    if a["loan_type"] in ("conventional", "jumbo"):
        r, n, loan = D(str(a["interest_rate"])) / 1200, a["term_months"], D(str(a["loan_amount"]))
        pi = (loan * r / (1 - (1 + r) ** -n)).quantize(CENT, ROUND_HALF_UP)
        piti = (
            pi + D(str(a["annual_property_tax"])) / 12 + D(str(a["annual_insurance"])) / 12 + D(str(a["monthly_hoa"]))
        ).quantize(CENT, ROUND_HALF_UP)
        value = D(str(a["property_value"]))
        ftc = value - loan + D(str(a["closing_costs"])) + D(str(a["prepaid_items"]))
        ltv = (loan / value * 100).quantize(CENT, ROUND_CEILING)
        f.update(
            principal_interest=str(pi),
            piti=str(piti),
            ltv=str(ltv),
            cltv=str(ltv),
            funds_to_close=f"{ftc:.2f}",
            reserves_months=str(((D(str(a["liquid_assets"])) - ftc) / piti).quantize(CENT, ROUND_FLOOR)),
        )
    piti, income = D(f["piti"]), D(str(a["monthly_income"]))
    f["monthly_debts"] = str(a["monthly_debts"])
    f["front_end_dti"] = str((piti / income * 100).quantize(CENT, ROUND_CEILING))
    f["back_end_dti"] = str(((piti + D(str(a["monthly_debts"]))) / income * 100).quantize(CENT, ROUND_CEILING))
    return f


def debts_for(dti: str, template: dict, a: dict) -> float:
    """Monthly debts that put the back-end DTI at exactly `dti` percent."""
    return float(D(dti) / 100 * D(str(a["monthly_income"])) - D(template["expected"]["figures"]["piti"]))


# name: (template, changes, decision, reasons, rules, what ours would decide, why)
JUMBO = {
    "loan_amount": 900000,
    "property_value": 1200000,
    "interest_rate": 6.875,
    "annual_property_tax": 14300,
    "annual_insurance": 2400,
    "monthly_hoa": 0,
    "monthly_income": 24000,
    "monthly_debts": 1100,
    "closing_costs": 18000,
    "prepaid_items": 5000,
    "liquid_assets": 463000,
    "credit_score": 768,
}
CASES = {
    "k01_conventional_score_640_approve": (
        "01_conventional_clean_approve",
        {"credit_score": 640},
        "APPROVE",
        [],
        [],
        "APPROVE",
        "score 640 >= 640",
    ),
    "k02_conventional_score_639_decline": (
        "01_conventional_clean_approve",
        {"credit_score": 639, "credit_key_factors": KEY_FACTORS},
        "DECLINE",
        KEY_FACTORS,
        ["conventional.min_credit_score"],
        "APPROVE",
        "score 639 < 640 (ours 620)",
    ),
    "k03_conventional_dti_4300_approve": (
        "02_conventional_dti_exactly_43_approve",
        {},
        "APPROVE",
        [],
        [],
        "APPROVE",
        "DTI 43.00 does not exceed forty-three percent",
    ),
    "k04_conventional_dti_4301_comp_score_refer": (
        "03_conventional_dti_4301_atr_review_refer",
        {"credit_score": 740},
        "REFER",
        [DTI],
        ["conventional.max_dti_with_review"],
        "REFER",
        "DTI 43.01 above 43 and no greater than 49, credit score 740 is a compensating factor",
    ),
    "k05_conventional_dti_4301_no_comp_decline": (
        "03_conventional_dti_4301_atr_review_refer",
        {},
        "DECLINE",
        [DTI],
        ["conventional.max_dti_with_review", "conventional.compensating_factors"],
        "REFER",
        "DTI 43.01 above 43; score 688 < 740 and reserves 11.10 < 12 months: no compensating factor",
    ),
    "k06_conventional_dti_4900_comp_refer": (
        "06_conventional_dti_above_50_decline",
        {"dti": "49.00"},
        "REFER",
        [DTI],
        ["conventional.max_dti_with_review", "atr_qm.dti_review_above"],
        "REFER",
        "DTI 49.00 no greater than 49, score 780 compensates; above 45 also sends it to review",
    ),
    "k07_conventional_dti_4901_decline": (
        "06_conventional_dti_above_50_decline",
        {"dti": "49.01"},
        "DECLINE",
        [DTI],
        ["conventional.dti_ineligible_above"],
        "REFER",
        "DTI 49.01 is over 49% (ours: 50%)",
    ),
    "k08_conventional_comp_score_740_refer": (
        "04_conventional_dti_4501_comp_factor_refer",
        {},
        "REFER",
        [DTI],
        ["conventional.max_dti_with_review", "atr_qm.dti_review_above"],
        "REFER",
        "DTI 45.01, score 740 is 740 or above",
    ),
    "k09_conventional_comp_score_739_decline": (
        "04_conventional_dti_4501_comp_factor_refer",
        {"credit_score": 739},
        "DECLINE",
        [DTI],
        ["conventional.max_dti_with_review", "conventional.compensating_factors"],
        "REFER",
        "DTI 45.01, score 739 < 740 (ours 720), reserves 8.80 < 12",
    ),
    "k10_jumbo_clean_approve": (
        "43_jumbo_above_conforming_limit_approve",
        dict(JUMBO),
        "APPROVE",
        [],
        [],
        "APPROVE",
        "score 768 >= 720, LTV 75.00 <= 75, DTI <= 40, reserves >= 18",
    ),
    "k11_jumbo_score_720_approve": (
        "43_jumbo_above_conforming_limit_approve",
        JUMBO | {"credit_score": 720},
        "APPROVE",
        [],
        [],
        "APPROVE",
        "score 720 is the lowest allowed",
    ),
    "k12_jumbo_score_719_decline": (
        "43_jumbo_above_conforming_limit_approve",
        JUMBO | {"credit_score": 719, "credit_key_factors": KEY_FACTORS},
        "DECLINE",
        KEY_FACTORS,
        ["jumbo.min_credit_score"],
        "APPROVE",
        "score 719 < 720 (ours 700)",
    ),
    "k13_jumbo_ltv_7501_decline": (
        "43_jumbo_above_conforming_limit_approve",
        JUMBO | {"loan_amount": 900120},
        "DECLINE",
        [LTV],
        ["jumbo.max_ltv_primary"],
        "APPROVE",
        "LTV 75.01 > 75 (ours 80)",
    ),
    "k14_jumbo_dti_4001_decline": (
        "43_jumbo_above_conforming_limit_approve",
        JUMBO | {"dti": "40.01"},
        "DECLINE",
        [DTI],
        ["jumbo.max_dti"],
        "APPROVE",
        "DTI 40.01 > 40 (ours 43)",
    ),
    "k15_jumbo_reserves_1799_decline": (
        "43_jumbo_above_conforming_limit_approve",
        JUMBO | {"reserves": "17.995"},
        "DECLINE",
        [RESERVES],
        ["jumbo.min_reserves"],
        "APPROVE",
        "reserves 17.99 < 18 months (ours 12)",
    ),
    "k16_fha_dti_4700_refer": (
        "31_fha_dti_47_refer",
        {},
        "REFER",
        [DTI],
        ["fha.max_dti_with_review", "atr_qm.dti_review_above"],
        "REFER",
        "DTI 47.00 not more than 47",
    ),
    "k17_fha_dti_4701_decline": (
        "31_fha_dti_47_refer",
        {"dti": "47.01"},
        "DECLINE",
        [DTI],
        ["fha.dti_ineligible_above"],
        "REFER",
        "DTI 47.01 above 47 (ours 50)",
    ),
    "k18_va_score_600_approve": (
        "33_va_clean_ltv_100_approve",
        {"credit_score": 600},
        "APPROVE",
        [],
        [],
        "APPROVE",
        "score 600 is not below 600",
    ),
    "k19_va_score_599_decline": (
        "33_va_clean_ltv_100_approve",
        {"credit_score": 599, "credit_key_factors": KEY_FACTORS},
        "DECLINE",
        KEY_FACTORS,
        ["va.min_credit_score"],
        "APPROVE",
        "score 599 < 600 (ours 580)",
    ),
    "k20_usda_score_660_conditions": (
        "39_usda_clean_conditions",
        {"credit_score": 660},
        "APPROVE_WITH_CONDITIONS",
        [],
        ["usda.guarantee_fees"],
        "APPROVE_WITH_CONDITIONS",
        "score 660 >= 660",
    ),
    "k21_usda_score_659_decline": (
        "39_usda_clean_conditions",
        {"credit_score": 659, "credit_key_factors": KEY_FACTORS},
        "DECLINE",
        KEY_FACTORS,
        ["usda.min_credit_score"],
        "APPROVE_WITH_CONDITIONS",
        "score 659 < 660 (ours 640)",
    ),
}


def build(name: str, case: tuple) -> dict:
    template_name, changes, decision, reasons, rules, ours, why = case
    template = json.loads((SEED / f"{template_name}.json").read_text())
    a = dict(template["application"]) | {k: v for k, v in changes.items() if k not in ("dti", "reserves")}
    a["application_id"] = name.split("_")[0].upper()
    f = figures(a, template)
    if "dti" in changes:
        a["monthly_debts"] = round(float(D(changes["dti"]) / 100 * D(str(a["monthly_income"])) - D(f["piti"])), 2)
        f = figures(a, template)
    if "reserves" in changes:
        a["liquid_assets"] = round(float(D(f["funds_to_close"]) + D(changes["reserves"]) * D(f["piti"])), 2)
        f = figures(a, template)
    return {
        "title": f"Keystone Valley: {why}",
        "description": f"Made from {template_name} for the Keystone Valley "
        f"FCU manuals (seed_data/lenders/keystone_valley). Under our own corpus it would be {ours}.",
        "application": a,
        "expected": {
            "decision": decision,
            "reasons": reasons,
            "rules": rules,
            "worked": why,
            "figures": f,
            "under_our_corpus": ours,
        },
    }


if __name__ == "__main__":
    out = HERE / "applications"
    out.mkdir(exist_ok=True)
    for name, case in CASES.items():
        (out / f"{name}.json").write_text(json.dumps(build(name, case), indent=2) + "\n", encoding="utf-8")
    print(f"{len(CASES)} applications in {out}")
