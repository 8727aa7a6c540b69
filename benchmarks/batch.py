"""Batch throughput on HMDA-derived applications, with the local process pool and with Dask.

    python benchmarks/batch.py [--n 5000] [--workers 2] [--engines local,dask] [--hmda PATH]

The first N mappable rows of the HMDA file (default: the 50,000-row sample in ../shared/data, else
the committed slice) become applications (seed_data/hmda/mapping.json), written as JSON Lines and
underwritten by `agents.batch` into a fresh benchmark database, once per engine. Wall time includes
starting the workers and loading each worker's pipeline; "steady" excludes that start-up.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import sessionmaker  # noqa: E402

from agents.batch.engines import DaskEngine, LocalEngine  # noqa: E402
from agents.batch.hmda import Unmappable, to_application  # noqa: E402
from agents.batch.runner import execute, plan_batch  # noqa: E402
from agents.batch.worker import Outcome  # noqa: E402
from benchmarks.common import bench_engine, machine_line, print_table  # noqa: E402
from core.settings import PROJECT_ROOT, get_settings  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402

SHARED_SAMPLE = PROJECT_ROOT.parent / "shared" / "data" / "hmda_2022_sample.csv.gz"
SLICE = PROJECT_ROOT / "seed_data" / "hmda" / "hmda_2022_slice.csv"


def hmda_applications(path: Path, n: int, tag: str) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    out = []
    with opener(path, "rt", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), start=1):
            try:
                mapped = to_application(row, number, file_key=tag)
            except Unmappable:
                continue
            out.append({**mapped.application, "application_id": f"{tag}-{number}", "monitoring": mapped.monitoring})
            if len(out) == n:
                break
    return out


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def run_engine(name: str, engine_factory, path: Path, sessions) -> dict:
    plan = plan_batch(path, sessions=sessions)
    started = time.perf_counter()
    first: list[float] = []

    def seen(outcome: Outcome) -> None:
        if not first:
            first.append(time.perf_counter())

    summary = execute(plan, engine_factory(), sessions=sessions, on_outcome=seen)
    wall = time.perf_counter() - started
    steady = wall - (first[0] - started) if first else wall
    summary.update(
        engine=name,
        wall_s=round(wall, 1),
        startup_s=round(wall - steady, 1),
        steady_per_hour=round(max(summary["decided"] - 1, 0) / steady * 3600) if steady > 0 else 0,
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engines", default="local,dask")
    parser.add_argument("--hmda", type=Path, default=SHARED_SAMPLE if SHARED_SAMPLE.exists() else SLICE)
    args = parser.parse_args()
    settings = get_settings()
    engine = bench_engine("lg_bench_batch")
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    ingest_paths([settings.policy_dir], session_factory=sessions, embedder=get_embedder(), settings=settings)
    url = engine.url.render_as_string(hide_password=False)
    factories = {"local": lambda: LocalEngine(args.workers, url), "dask": lambda: DaskEngine(args.workers, url)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.engines.split(","):
            apps = hmda_applications(args.hmda, args.n, f"BENCH-{name}")
            path = Path(tmp) / f"{name}.jsonl"
            # Decimals as JSON numbers (the reader parses them back exactly)
            path.write_text("".join(json.dumps(a, default=_number) + "\n" for a in apps))
            s = run_engine(name, factories[name], path, sessions)
            rows.append(
                [
                    name,
                    args.workers,
                    s["decided"],
                    s["refused"],
                    s["errors"],
                    s["wall_s"],
                    s["startup_s"],
                    f"{s['per_hour']:,}",
                    f"{s['steady_per_hour']:,}",
                    s["p50_ms"],
                    s["p95_ms"],
                    s["worker_peak_rss_mb"],
                    f"{1 - s['db_share']:.0%} / {s['db_share']:.0%}",
                ]
            )
    print(machine_line() + f"; HMDA file {args.hmda.name}")
    print_table(
        [
            "engine",
            "workers",
            "decided",
            "refused",
            "errors",
            "wall s",
            "start-up s",
            "apps/hour (wall)",
            "apps/hour (steady)",
            "p50 ms",
            "p95 ms",
            "peak RSS/worker MB",
            "pipeline / database",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
