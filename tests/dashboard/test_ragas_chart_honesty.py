"""Honest RAGAS charts: the faithfulness alert line only with faithfulness, dates on the time axis, metric help."""

from datetime import UTC, datetime

import pytest

from dashboard.ragas_charts import metric_help, trend_figure, trend_frame
from rag.evaluation.store import RunSummary

pytestmark = pytest.mark.unit


def run(run_id: int, metrics: dict, info: dict) -> RunSummary:
    fields = RunSummary.__dataclass_fields__
    values = {name: None for name in fields}
    values.update(
        id=run_id,
        created_at=datetime(2026, 11, run_id, 9, 0, tzinfo=UTC),
        metrics=metrics,
        metric_info=info,
        embedding_model="all-MiniLM-L6-v2",
    )
    return RunSummary(**{k: v for k, v in values.items() if k in fields})


RUNS = [
    run(
        i,
        {"mrr": 0.5 + i / 10, "faithfulness__j": 0.7},
        {"mrr": {"metric": "mrr", "judge": "none"}, "faithfulness__j": {"metric": "faithfulness", "judge": "j"}},
    )
    for i in (1, 2)
]


def series(frame, metric):
    return sorted(frame.loc[frame["metric"] == metric, "series"].unique())


def test_the_alert_line_is_drawn_only_with_a_faithfulness_series():
    frame = trend_frame(RUNS)
    assert not trend_figure(frame, series(frame, "mrr"), 0.8).layout.shapes
    fig = trend_figure(frame, series(frame, "mrr") + series(frame, "faithfulness"), 0.8)
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == 0.8


def test_the_time_axis_reads_as_dates():
    frame = trend_frame(RUNS)
    fig = trend_figure(frame, series(frame, "mrr"), 0.8)
    assert fig.layout.xaxis.type == "date" and fig.layout.xaxis.tickformat == "%Y-%m-%d %H:%M"


def test_every_metric_has_a_one_line_explanation():
    for key in ("recall_at_5", "mrr", "citation_recall", "non_llm_context_precision", "faithfulness__gpt-4o"):
        assert metric_help(key) and "\n" not in metric_help(key)


def test_one_run_has_one_time_tick_and_a_question_scores_table_is_rounded():
    """Bug: with one evaluation run the trend axis showed four identical ticks; the per-question drill-down was raw
    JSON with unrounded floats (issue 21, point 15)."""
    from dashboard.ragas_charts import question_scores

    frame = trend_frame(RUNS[:1])
    figure = trend_figure(frame, sorted(frame["series"].unique()), 0.7)
    assert len(figure.layout.xaxis.tickvals) == 1 and list(figure.layout.xaxis.ticktext) == ["2026-11-01 09:00"]
    table = question_scores({"mrr": 0.333333333, "recall_at_5": None}, ["mrr", "recall_at_5"])
    assert table["Score"].tolist()[0] == 0.33 and table["Score"].isna().tolist() == [False, True]
    assert table["Measures"].tolist()[0].startswith("Mean reciprocal rank")
