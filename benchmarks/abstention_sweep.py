"""Answer threshold sweep: how the offline answerer's ANSWER_MIN_SCORE trades abstention for answers.

    python benchmarks/abstention_sweep.py [--reuse]

For each question of the development set (and the held-out set, report only) it retrieves the top 5
chunks with the default pipeline and records the best sentence cosine the answerer would quote
(each sentence scored against the question and its retrieval variants, as rag.answer does).
A threshold t declines a question when that score is below t. The table shows, per t, the share
of unanswerable questions declined and of answerable ones answered, on both sets, and the
threshold the rule below picks on the development set only: the most unanswerable questions
declined while answering at least as many answerable ones as the old default (0.50, question-only
scoring) did, ties to the lower threshold. `--reuse` reads
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
from rag.answer import _candidates, _score, answer_queries  # noqa: E402
from rag.embeddings import build_ingest_embedder, get_embedder  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402
from rag.retrieval import Retriever  # noqa: E402
from rag.retrieval.rerank import NoOpReranker  # noqa: E402

THRESHOLDS = tuple(round(0.40 + i / 100, 2) for i in range(31))  # 0.40 .. 0.70
BASELINE = 0.50  # the old ANSWER_MIN_SCORE: its share of answered questions is the floor


def best_scores(key: str, reuse: bool) -> list[tuple[bool, float, float]]:
    """(answerable, best sentence cosine, the same with the question alone) per question of set `key`."""
    settings, embedder = get_settings(), get_embedder()
    _, corpus, path = SETS[key]
    name = f"lg_bench_rq_{key}"
    if reuse:
        engine = create_engine(_url_for(settings, name))
    else:
        engine = bench_engine(name)
        ingest_paths(
            [corpus or settings.policy_dir],
            session_factory=sessionmaker(bind=engine),
            embedder=build_ingest_embedder(settings),
            settings=settings,
        )
    retriever = Retriever(
        session_factory=sessionmaker(bind=engine), embedder=embedder, reranker=NoOpReranker(), settings=settings
    )
    out = []
    for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
        result = retriever.retrieve(q["question"], k=5)
        candidates = _candidates(result.chunks)
        best = max((s.score for s in _score(answer_queries(q["question"], result), candidates, embedder)), default=-1.0)
        alone = max((s.score for s in _score([q["question"]], candidates, embedder)), default=-1.0)
        out.append((bool(q["answerable"]), best, alone))
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
    old = [rates([(a, alone) for a, _, alone in scores], BASELINE) for scores in results.values()]
    rows = [[f"{BASELINE:.2f} (old: question only)", *(f"{v:.2f}" for pair in old for v in pair)]]
    for t in THRESHOLDS:
        now = [rates([(a, b) for a, b, _ in scores], t) for scores in results.values()]
        rows.append([f"{t:.2f}", *(f"{v:.2f}" for pair in now for v in pair)])
    print(machine_line())
    print_table(
        [
            "threshold",
            "dev declined (unanswerable)",
            "dev answered (answerable)",
            "held-out declined (unanswerable)",
            "held-out answered (answerable)",
        ],
        rows,
    )
    print(f"\nchosen on the development set: ANSWER_MIN_SCORE={choose(results['dev']):.2f}")


def rates(scores: list[tuple[bool, float]], t: float) -> tuple[float, float]:
    """(share of unanswerable questions declined, share of answerable questions answered) at threshold t."""
    unans = [s for a, s in scores if not a]
    ans = [s for a, s in scores if a]
    return sum(s < t for s in unans) / len(unans), sum(s >= t for s in ans) / len(ans)


def choose(scores: list[tuple[bool, float, float]]) -> float:
    """The threshold declining the most unanswerable questions while answering no fewer answerable
    ones than the old default did; ties go to the lower threshold."""
    floor = rates([(a, alone) for a, _, alone in scores], BASELINE)[1]
    allowed = [t for t in THRESHOLDS if rates([(a, b) for a, b, _ in scores], t)[1] >= floor - 1e-9]
    return max(allowed, key=lambda t: (rates([(a, b) for a, b, _ in scores], t)[0], -t))


if __name__ == "__main__":
    main()
