"""Issue 23: the application is validated once and travels typed; the Ratio agent's figures travel as Decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from langgraph.checkpoint.base import CheckpointTuple
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from agents.checkpoint import STATE_TYPES
from agents.legacy_state import upgraded
from agents.verdicts import AgentVerdict
from core.schemas import REDACTED_SSN, LoanApplication, application_facts, redacted, validate_application
from policy.figures import RatioFigures
from tests.agents.conftest import SAMPLES, load_sample
from tests.agents.support import BASE, app, graph_state

ZERO_INCOME = next(p for p in SAMPLES if "zero_income" in p.name)


class CountingValidator:
    """Stands in for a model's pydantic validator and counts every validation (model_validate and __init__)."""

    def __init__(self, wrapped: Any):
        self.wrapped, self.calls = wrapped, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.wrapped, name)
        if not name.startswith("validate_"):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return attr(*args, **kwargs)

        return counted


@pytest.mark.integration
def test_a_run_validates_the_application_once_and_every_agent_reads_it_typed(monkeypatch, graph, agent_context):
    spy = CountingValidator(LoanApplication.__pydantic_validator__)
    monkeypatch.setattr(LoanApplication, "__pydantic_validator__", spy)
    application = validate_application({**BASE, "ssn": "900-55-1234"})
    final = graph.invoke(graph_state(application), context=agent_context)
    assert spy.calls == 1  # at the door; before issue 23 every agent rebuilt it (7 more per run)
    assert final["report"].recommendation == "APPROVE"
    assert isinstance(final["application"], LoanApplication)
    assert final["application"].ssn.get_secret_value() == REDACTED_SSN and final["ssn_masked"] == "***-**-1234"


@pytest.mark.integration
def test_the_ratio_figures_travel_as_decimals_and_no_income_is_none(underwrite):
    application, expected = load_sample(ZERO_INCOME)
    final = underwrite(application)
    figures = final["ratios"]
    assert isinstance(figures, RatioFigures)
    assert figures.front_end_dti is None and figures.back_end_dti is None  # not the text "None"
    assert all(isinstance(v, Decimal) for k, v in figures if k not in ("front_end_dti", "back_end_dti"))
    assert final["report"].recommendation == expected["decision"]
    # the verdict shows the same figures as text, as stored runs always have
    assert final["ratio"].facts == figures.as_facts() and final["ratio"].facts["back_end_dti"] == "None"


@pytest.mark.unit
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_typed_state_survives_the_checkpoint_serializer(path):
    serde = JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES)
    application = redacted(load_sample(path)[0])
    back = serde.loads_typed(serde.dumps_typed(application))
    assert isinstance(back, LoanApplication) and back == application
    figures = RatioFigures(**{name: Decimal("12.50") for name in RatioFigures.model_fields} | {"back_end_dti": None})
    assert serde.loads_typed(serde.dumps_typed(figures)) == figures


def old_checkpoint(values: dict[str, Any], writes: list[tuple[str, str, Any]] | None = None) -> CheckpointTuple:
    config = {"configurable": {"thread_id": "t", "checkpoint_ns": "", "checkpoint_id": "1"}}
    checkpoint = {"v": 4, "id": "1", "ts": "", "channel_values": values, "channel_versions": {}, "versions_seen": {}}
    return CheckpointTuple(config, checkpoint, {}, None, writes or [])  # type: ignore[arg-type]


OLD_RATIO_FACTS = {name: "1.50" for name in RatioFigures.model_fields} | {
    "front_end_dti": "None",
    "back_end_dti": "None",
}


@pytest.mark.unit
def test_a_checkpoint_written_before_the_state_was_typed_reads_as_typed_state():
    facts = application_facts(app(ssn="900-55-1234"))  # what runs checkpointed before issue 23
    ratio = AgentVerdict(agent="ratio", verdict="COMPUTED", summary="s", facts=OLD_RATIO_FACTS)
    state = upgraded(old_checkpoint({"application": facts, "ratio": ratio})).checkpoint["channel_values"]
    assert isinstance(state["application"], LoanApplication) and state["application"].credit_score == 700
    assert state["ssn_masked"] == "***-**-1234"
    assert state["ratios"].back_end_dti is None and state["ratios"].ltv == Decimal("1.50")


@pytest.mark.unit
def test_an_old_ratio_write_still_pending_gets_its_figures_and_todays_checkpoints_are_left_alone():
    ratio = AgentVerdict(agent="ratio", verdict="COMPUTED", summary="s", facts=OLD_RATIO_FACTS)
    facts = application_facts(app())
    writes = upgraded(old_checkpoint({}, [("start", "application", facts), ("task-1", "ratio", ratio)])).pending_writes
    assert [(t, c) for t, c, _ in writes] == [("start", "application"), ("task-1", "ratio"), ("task-1", "ratios")]
    assert isinstance(writes[0][2], LoanApplication) and writes[2][2].back_end_dti is None
    writes = writes[1:]
    today = old_checkpoint({"application": redacted(app()), "ratio": ratio, "ratios": writes[1][2]})
    assert upgraded(today) is today
    failed = AgentVerdict(agent="ratio", verdict="ERROR", summary="s")  # no figures: later agents fail closed
    assert "ratios" not in upgraded(old_checkpoint({"ratio": failed})).checkpoint["channel_values"]
