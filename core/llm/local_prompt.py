"""The compact prompt the local narrator was trained on, built from the Ratio agent's figures.

Training (agents/distill) and serving (core/llm/local.py) share this one format, so the student
sees at run time exactly the kind of input it learned from: a verdict line, then `name: value`
lines for the computed figures, then the policy limits cited.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

# Short on purpose: every training step pays for these tokens.
SYSTEM = "Narrate the ratio check."
# (fact key, label, unit) in prompt order; units: "$" money, "%" percentage points, "mo" months.
FIGURES = (
    ("piti", "PITI", "$"),
    ("monthly_income", "income", "$"),
    ("monthly_debts", "debts", "$"),
    ("front_end_dti", "housing", "%"),
    ("back_end_dti", "DTI", "%"),
    ("ltv", "LTV", "%"),
    ("reserves_months", "reserves", "mo"),
)


def fmt(value: str | Decimal | None, unit: str) -> str | None:
    """A figure as the narrative should write it: $2,850.44 ($9,535 when whole), 30.44%, 21.04 months."""
    if value is None or str(value) in ("", "None"):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if unit == "$":  # whole dollars without cents: fewer tokens for every step and every reply
        return f"${number:,.0f}" if number == number.to_integral_value() else f"${number:,.2f}"
    if unit == "%":
        return f"{number.normalize():f}%" if number == number.to_integral_value() else f"{number}%"
    return f"{number} months"


def build_prompt(verdict: str, figures: dict[str, str], limits: list[str], program: str = "") -> str:
    """The user turn: verdict, program, figures and limits, one per line."""
    lines = [f"{verdict} {program}".strip()]
    for key, label, unit in FIGURES:
        shown = fmt(figures.get(key), unit)
        if shown is not None:
            lines.append(f"{label} {shown}")
    return "\n".join(lines + list(limits))


def prompt_from_agent_input(user: str) -> str:
    """The compact prompt for an agent node's JSON input ({"verdict", "facts", ...}); ValueError if not one."""
    try:
        data = json.loads(user)
    except json.JSONDecodeError as err:
        raise ValueError(f"the local narrator expects the agent's JSON input ({err.msg})") from err
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise ValueError("the local narrator expects the agent's JSON input with a facts object")
    facts = {k: str(v) for k, v in data["facts"].items()}
    return build_prompt(str(data.get("verdict", "COMPUTED")), facts, [])
