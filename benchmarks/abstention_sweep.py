"""Answer threshold sweep: how the offline answerer's ANSWER_MIN_SCORE trades abstention for answers.

    python benchmarks/abstention_sweep.py [--reuse]

For each question of the development set (and the held-out set, report only) it retrieves the top 5
chunks with the default pipeline and records the best sentence cosine the answerer would quote.
A threshold t declines a question when that score is below t. The table shows, per t, the share
of unanswerable questions declined and of answerable ones answered, on both sets. `--reuse` reads
the databases left by benchmarks/retrieval_quality.py (`lg_bench_rq_dev`, `lg_bench_rq_heldout`)
instead of ingesting again.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from benchmarks.common import bench_engine, machine_line, print_table  # noqa: E402
from benchmarks.retrieval_quality import SETS  # noqa: E402
from core.db import resolve_database_url  # noqa: E402
from core.settings import get_settings  # noqa: E402
from rag.answer import _candidates, _score  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402
from rag.retrieval import Retriever  # noqa: E402
from rag.retrieval.rerank import NoOpReranker  # noqa: E402

THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70)


def best_scores(key: str, reuse: bool) -> list[tuple[bool, float]]:
    """(answerable, best sentence cosine) per question of set `key`."""
    settings, embedder = get_settings(), get_embedder()
    _, corpus, path = SETS[key]
    name = f"lg_bench_rq_{key}"
    if reuse:
        engine = create_engine(_url_for(settings, name))
    else:
        engine = bench_engine(name)
        ingest_paths([corpus or settings.policy_dir], session_factory=sessionmaker(bind=engine), embedder=embedder,
                     settings=settings)
    retriever = Retriever(session_factory=sessionmaker(bind=engine), embedder=embedder, reranker=NoOpReranker(),
                          settings=settings)
    out = []
    for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
        scored = _score(q["question"], _candidates(retriever.retrieve(q["question"], k=5).chunks), embedder)
        out.append((bool(q["answerable"]), max((s.score for s in scored), default=-1.0)))
    engine.dispose()
    return out


def _url_for(settings, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(resolve_database_url(settings)).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    results = {key: best_scores(key, args.reuse) for key in ("dev", "heldout")}
    rows = []
    for t in THRESHOLDS:
        row = [f"{t:.2f}"]
        for scores in results.values():
            unans = [s for a, s in scores if not a]
            ans = [s for a, s in scores if a]
            row += [f"{sum(s < t for s in unans) / len(unans):.2f}", f"{sum(s >= t for s in ans) / len(ans):.2f}"]
        rows.append(row)
    print(machine_line())
    print_table(["threshold", "dev declined (unanswerable)", "dev answered (answerable)",
                 "held-out declined (unanswerable)", "held-out answered (answerable)"], rows)


if __name__ == "__main__":
    main()
