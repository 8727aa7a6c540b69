"""Command line: run an evaluation (offline, or judged when EVAL_JUDGE_PROVIDER says so) and print its metrics."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from core.errors import LoanGraphError
from core.settings import get_settings
from rag.evaluation.dataset import DEFAULT_DATASET


class _Bars:
    """One tqdm bar per stage (answering, scoring), on stderr so --json output stays clean."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(total=total, desc=stage, unit="q", file=sys.stderr, leave=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()


def render_table(metrics: dict[str, float | None], info: dict[str, dict[str, Any]]) -> str:
    """A Markdown table of the aggregates (ready for docs/benchmarks): metric, judge, samples scored, value."""
    lines = ["| metric | judge | n | score |", "|---|---|---|---|"]
    for key, value in metrics.items():
        meta = info.get(key, {})
        shown = "n/a" if value is None else f"{value:.3f}"
        lines.append(f"| {meta.get('metric', key)} | {meta.get('judge', 'none')} | {meta.get('n', 0)} | {shown} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.evaluate", description="Evaluate retrieval and answers.")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="eval set JSON (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the aggregate metrics")
    parser.add_argument("--no-store", action="store_true", help="do not save the run in the database")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    get_settings()  # sets RAGAS_DO_NOT_TRACK and the offline model flags before ragas is imported
    try:
        from rag.evaluation.runner import run_configured

        outcome = run_configured(args.dataset, store=not args.no_store, progress=_Bars())
    except LoanGraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                {
                    "run_id": outcome.run_id,
                    "dataset": outcome.dataset,
                    "n_questions": len(outcome.samples),
                    "judge": outcome.judge,
                    "embedding_model": outcome.embedding_model,
                    "metrics": outcome.metrics,
                    "metric_info": outcome.metric_info,
                },
                indent=2,
            )
        )
    else:
        stored = f"stored as eval run {outcome.run_id}" if outcome.run_id else "not stored"
        print(
            f"{outcome.dataset}: {len(outcome.samples)} questions, judge {outcome.judge}, "
            f"embeddings {outcome.embedding_model}, {outcome.latency_s:.1f} s, {stored}\n"
        )
        print(render_table(outcome.metrics, outcome.metric_info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
