"""Frames and plotly figures for the RAGAS page: metric trends, run comparison, agent-faithfulness drift.

A series is one (metric, judge, embedding model): offline and judged numbers are never drawn as one line.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from rag.evaluation.store import AgentFaithfulness, RunSummary, SampleRow

FAITHFULNESS = "faithfulness"
TIME_FORMAT = "%Y-%m-%d %H:%M"

# one line per metric, shown as the per-question table's column help
METRIC_HELP = {
    "recall_at": "Share of the reference policy pages found among the top-k retrieved passages.",
    "mrr": "Mean reciprocal rank: 1 when the first retrieved passage is a reference page, 1/2 when the second is...",
    "citation_recall": "Share of the reference pages that the answer cites.",
    "citation_precision": "Share of the answer's citations that point to a reference page.",
    "abstention_accuracy": "1 when the answer correctly says the policy does not cover an unanswerable question.",
    "non_llm_context_recall": (
        "RAGAS, no LLM: share of reference contexts matched by a retrieved passage (string match)."
    ),
    "non_llm_context_precision": "RAGAS, no LLM: share of retrieved passages that match a reference context.",
    "rouge_l": "Longest-common-subsequence overlap between the answer and the reference answer.",
    "string_similarity": "Character-level similarity between the answer and the reference answer.",
    "semantic_similarity": "Cosine similarity of the answer and reference embeddings (MiniLM).",
    "faithfulness": "Judge: share of the answer's claims supported by the retrieved passages.",
    "context_precision": "Judge: whether the useful passages are ranked above the useless ones.",
    "context_recall": "Judge: share of the reference answer supported by the retrieved passages.",
    "answer_relevancy": "Judge: how directly the answer addresses the question.",
}


def metric_help(key: str) -> str:
    """The one-line explanation of a metric key ('recall_at_5', 'faithfulness__gpt-4o', ...)."""
    return next((text for name, text in METRIC_HELP.items() if key.startswith(name)), "")


def samples_column_config(keys: Sequence[str]) -> dict:
    """Scores as 0.00-formatted numbers, each column explaining its metric on hover."""
    import streamlit as st

    return {k: st.column_config.NumberColumn(k, help=metric_help(k) or None, format="%.2f") for k in keys}


def series_label(key: str, run: RunSummary) -> str:
    info = run.metric_info.get(key, {})
    metric, judge = info.get("metric", key), info.get("judge", "none")
    return f"{metric} · judge {judge} · {info.get('embedding_model', run.embedding_model)}"


def trend_frame(runs: Sequence[RunSummary]) -> pd.DataFrame:
    """Long format: one row per (run, metric key) with a value."""
    rows = [
        {
            "run": r.id,
            "created_at": r.created_at,
            "series": series_label(key, r),
            "key": key,
            "metric": r.metric_info.get(key, {}).get("metric", key),
            "value": value,
        }
        for r in runs
        for key, value in r.metrics.items()
        if value is not None
    ]
    return pd.DataFrame(rows, columns=["run", "created_at", "series", "key", "metric", "value"])


def trend_figure(frame: pd.DataFrame, series: Sequence[str], threshold: float) -> go.Figure:
    """Scores over time; the faithfulness alert line only when a faithfulness series is drawn."""
    shown = frame[frame["series"].isin(series)].sort_values(["created_at", "run"])
    fig = px.line(
        shown,
        x="created_at",
        y="value",
        color="series",
        markers=True,
        hover_data=["run", "key"],
        labels={"created_at": "run time (UTC)", "value": "score", "series": "metric · judge · embeddings"},
    )
    if (shown["metric"] == FAITHFULNESS).any():
        fig.add_hline(
            y=threshold,
            line_dash="dash",
            line_color="crimson",
            annotation_text=f"faithfulness alert threshold {threshold:.2f}",
            annotation_position="bottom right",
        )
    fig.update_xaxes(type="date", tickformat=TIME_FORMAT, hoverformat=TIME_FORMAT)
    times = sorted(shown["created_at"].unique())
    if len(times) <= 3:  # plotly spreads a few points over many identical-looking ticks: one tick per run instead
        fig.update_xaxes(tickvals=times, ticktext=[pd.Timestamp(t).strftime(TIME_FORMAT) for t in times])
    fig.update_yaxes(range=[0, 1.05])
    fig.update_layout(legend={"orientation": "h", "y": -0.25}, margin={"t": 30})
    return fig


def faithfulness_alerts(run: RunSummary, threshold: float) -> list[str]:
    """One message per faithfulness score of `run` below `threshold` (one per judge)."""
    return [
        f"Eval run #{run.id}: faithfulness {value:.3f} (judge {run.metric_info.get(key, {}).get('judge', '?')}) "
        f"is below the threshold {threshold:.2f}."
        for key, value in run.metrics.items()
        if value is not None and run.metric_info.get(key, {}).get("metric") == FAITHFULNESS and value < threshold
    ]


def has_faithfulness(run: RunSummary) -> bool:
    return any(i.get("metric") == FAITHFULNESS for i in run.metric_info.values())


def metrics_frame(run: RunSummary) -> pd.DataFrame:
    info = {k: run.metric_info.get(k, {}) for k in run.metrics}
    rows = [
        {
            "Metric": info[k].get("metric", k),
            "Judge": info[k].get("judge"),
            "Embeddings": info[k].get("embedding_model"),
            "Samples": info[k].get("n"),
            "Score": v,
        }
        for k, v in run.metrics.items()
    ]
    return pd.DataFrame(rows, columns=["Metric", "Judge", "Embeddings", "Samples", "Score"])


def question_scores(scores: dict, keys: Sequence[str]) -> pd.DataFrame:
    """One question's scores as a table, rounded as the per-question table shows them, with what each measures."""
    rows = [
        {
            "Metric": k,
            "Score": None if scores.get(k) is None else round(float(scores[k]), 2),
            "Measures": metric_help(k),
        }
        for k in keys
    ]
    return pd.DataFrame(rows, columns=["Metric", "Score", "Measures"])


def samples_frame(samples: Sequence[SampleRow], keys: Sequence[str]) -> pd.DataFrame:
    """One row per question with every metric (blank where the question is not scored on it)."""
    rows = [
        {"Question id": s.question_id, "Kind": s.kind, "Question": s.question, **{k: s.scores.get(k) for k in keys}}
        for s in samples
    ]
    return pd.DataFrame(rows, columns=["Question id", "Kind", "Question", *keys])


def compare_frame(a: RunSummary, b: RunSummary) -> pd.DataFrame:
    """Aggregates of two runs side by side with B - A, for the metric keys they share."""
    keys = [k for k in a.metrics if k in b.metrics]
    rows = [
        {"Metric": k, "A": a.metrics[k], "B": b.metrics[k], "Delta (B - A)": _delta(a.metrics[k], b.metrics[k])}
        for k in keys
    ]
    return pd.DataFrame(rows, columns=["Metric", "A", "B", "Delta (B - A)"])


def question_deltas(a: Sequence[SampleRow], b: Sequence[SampleRow], key: str) -> pd.DataFrame:
    """Per question present in both runs: A, B and B - A for one metric, largest changes first."""
    by_id = {s.question_id: s for s in b}
    rows = [
        {
            "Question id": s.question_id,
            "Question": s.question,
            "A": s.scores.get(key),
            "B": by_id[s.question_id].scores.get(key),
            "Delta (B - A)": _delta(s.scores.get(key), by_id[s.question_id].scores.get(key)),
        }
        for s in a
        if s.question_id in by_id
    ]
    frame = pd.DataFrame(rows, columns=["Question id", "Question", "A", "B", "Delta (B - A)"])
    return frame.sort_values("Delta (B - A)", key=lambda d: -d.abs(), na_position="last", kind="stable")


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def drift_frame(rows: Sequence[AgentFaithfulness]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"agent": r.agent, "faithfulness": r.faithfulness, "run": r.run_id, "at": r.created_at} for r in rows],
        columns=["agent", "faithfulness", "run", "at"],
    )


def drift_figure(frame: pd.DataFrame, threshold: float) -> go.Figure:
    fig = px.box(
        frame,
        x="agent",
        y="faithfulness",
        points="all",
        hover_data=["run", "at"],
        labels={"faithfulness": "faithfulness (Audit agent)"},
    )
    fig.add_hline(
        y=threshold,
        line_dash="dash",
        line_color="crimson",
        annotation_text=f"faithfulness alert threshold {threshold:.2f}",
        annotation_position="bottom right",
    )
    fig.update_yaxes(range=[-0.05, 1.05])
    fig.update_layout(margin={"t": 30})
    return fig
