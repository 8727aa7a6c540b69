"""End-to-end underwriting latency, offline: p50/p95 per run and time to the first agent event.

    python benchmarks/pipeline.py [--rounds 3]

Every sample application in seed_data/applications is run through the real service (graph,
retrieval, Postgres checkpointer, persistence, audit chain) in its own benchmark database, under our
rulebook published as `make run` publishes it at first start (the last line counts the decisions).
Round 1 starts with an empty evidence cache (each rule's passage is retrieved); later rounds
reuse it, as a long-running dashboard process does. Memory is the process's resident set size.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import sessionmaker  # noqa: E402

from agents.checkpoint import build_checkpointer  # noqa: E402
from agents.context import AgentContext  # noqa: E402
from agents.events import AgentEvent, RunFinished  # noqa: E402
from agents.graph import build_graph  # noqa: E402
from agents.service import UnderwritingService  # noqa: E402
from benchmarks.common import bench_engine, machine_line, percentile, print_table  # noqa: E402
from core.llm import build_router  # noqa: E402
from core.schemas import validate_application  # noqa: E402
from core.settings import PROJECT_ROOT, get_settings  # noqa: E402
from policy.evidence import EvidenceResolver  # noqa: E402
from policy.publication import ensure_first_start  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402
from rag.retrieval import Retriever  # noqa: E402
from rag.retrieval.rerank import build_reranker  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_service() -> UnderwritingService:
    settings = get_settings()
    engine = bench_engine("lg_bench_pipeline")
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    ingest_paths([settings.policy_dir], session_factory=sessions, embedder=get_embedder(), settings=settings)
    # as `make run` does: our rulebook published (without it every run is a one-reason REFER, which is
    # not the work a decision does)
    if ensure_first_start(sessions) is None:
        raise SystemExit("the seed rulebook did not verify against the ingested corpus: nothing to time")
    retriever = Retriever(
        session_factory=sessions, embedder=get_embedder(), reranker=build_reranker(settings), settings=settings
    )
    context = AgentContext(
        evidence=EvidenceResolver(retriever), router=build_router(settings), session_factory=sessions
    )
    return UnderwritingService(
        graph=build_graph(build_checkpointer(engine.url)), context=context, session_factory=sessions, settings=settings
    )


def timed_run(service: UnderwritingService, app) -> tuple[float, float, str]:
    """(total ms, ms to the first agent event, recommendation)."""
    started, first = time.perf_counter(), None
    for event in service.run(app):
        if isinstance(event, AgentEvent) and first is None:
            first = (time.perf_counter() - started) * 1000
        if isinstance(event, RunFinished):
            return (time.perf_counter() - started) * 1000, first or 0.0, event.report.recommendation
    raise RuntimeError("run did not finish")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    apps = [
        validate_application(json.loads(p.read_text())["application"])
        for p in sorted((PROJECT_ROOT / "seed_data" / "applications").glob("*.json"))
    ]
    service = build_service()
    rows, peak, mix = [], 0.0, Counter[str]()
    for round_no in range(1, args.rounds + 1):
        totals, firsts = [], []
        for app in apps:
            # an application ID belongs to one application: each round submits its own copy
            ref = f"{app.application_id}-R{round_no}" if app.application_id else None
            total, first, recommendation = timed_run(service, app.model_copy(update={"application_id": ref}))
            mix[recommendation] += round_no == 1
            totals.append(total)
            firsts.append(first)
            peak = max(peak, rss_mb())
        label = "round 1 (cold evidence cache)" if round_no == 1 else f"round {round_no} (warm)"
        rows.append(
            [
                label,
                len(apps),
                f"{percentile(totals, 50):.0f}",
                f"{percentile(totals, 95):.0f}",
                f"{percentile(firsts, 50):.0f}",
                f"{percentile(firsts, 95):.0f}",
                f"{rss_mb():.0f}",
            ]
        )
    print(machine_line())
    print_table(["round", "runs", "p50 ms", "p95 ms", "first event p50 ms", "first event p95 ms", "RSS MB"], rows)
    print(f"peak RSS: {peak:.0f} MB; decisions per round: {', '.join(f'{k} {v}' for k, v in sorted(mix.items()))}")


if __name__ == "__main__":
    main()
