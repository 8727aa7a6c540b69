"""Retrieval quality on the development set and the held-out set, side by side: recall@5, MRR@10 and
nDCG@10 per pipeline configuration, recall@5 per question kind (paraphrase included), and abstention.

    python benchmarks/retrieval_quality.py [--misses] [--sets dev,heldout] [--configs all|default] [--reuse]

dev = seed_data/regulations/dev_questions.json over the rendered regulations (choose defaults here);
held-out = seed_data/loan_eval_dataset.json over seed_data/policies (report only); blind =
seed_data/regulations/blind_questions.json, everyday-words questions over the dev corpus written before
any result (report only; `--sets dev,heldout,blind`). Each set runs in
its own database (`lg_bench_rq_dev`, `lg_bench_rq_heldout`, `lg_bench_rq_blind`), freshly ingested; the app's data is
untouched; `--reuse` queries the databases a previous run left (for query-time ablations: pass it only
when nothing that ingestion reads has changed). Retrieval metrics count answerable questions; abstention =
share of unanswerable questions the offline answerer declines (rag.answer), shown next to the share of
answerable ones it answers.

A hit, and recall@5, MRR@10 and nDCG@10, are defined in benchmarks/retrieval_targets.py. A reference may
list other pages of its document that state its whole fact (`also_stated`: the held-out guides restate
their limits in a summary table); the tables are printed as the references are written, then, for a set
with such pages, once more counting those pages ("audited").

Configurations are cumulative: dense only and BM25 only (the original query, one retriever each),
hybrid RRF (both, fused; MMR lambda 1.0 keeps the fused order), +MMR, +rerank (only with a real
cross-encoder: RERANKER_MODEL; also on hybrid RRF without MMR), +rewriting (the glossary variants).
With RETRIEVAL_VERIFIER set (a configured LLM), one more row, "default + verifier", and its abstention
are reported beside the offline ones; offline rows never use it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from benchmarks.common import bench_engine, machine_line, print_table  # noqa: E402
from benchmarks.retrieval_targets import (  # noqa: E402
    DEPTH,
    EVAL_PATH,
    Question,
    Targets,
    first_hit_rank,
    load_questions,
    ndcg_at,
    recall_at,
    reciprocal_rank,
)
from core.db import resolve_database_url  # noqa: E402
from core.settings import PROJECT_ROOT, Settings, get_settings  # noqa: E402
from rag.embeddings import Embedder, build_ingest_embedder, get_embedder, ingest_backend  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402
from rag.retrieval import Chunk, RetrievalTrace, Retriever  # noqa: E402
from rag.retrieval.bm25 import BM25Cache, bm25_params, bm25_search  # noqa: E402
from rag.retrieval.dense import dense_search, set_ef_search  # noqa: E402
from rag.retrieval.rerank import NoOpReranker, Reranker, build_reranker  # noqa: E402
from rag.retrieval.verifier import build_verifier  # noqa: E402

DEV_PATH = PROJECT_ROOT / "seed_data" / "regulations" / "dev_questions.json"
BLIND_PATH = PROJECT_ROOT / "seed_data" / "regulations" / "blind_questions.json"
SETS = {
    "dev": ("dev (regulations)", PROJECT_ROOT / "seed_data" / "regulations", DEV_PATH),
    "heldout": ("held-out (policies)", None, EVAL_PATH),  # None: settings.policy_dir
    # everyday-words questions over the dev corpus, written blind (issue 24): reported, never tuned on
    "blind": ("blind (regulations, everyday words)", PROJECT_ROOT / "seed_data" / "regulations", BLIND_PATH),
}
KINDS = ("exact_figure", "paraphrase", "acronym", "full_term", "procedural")

Search = Callable[[str], list[Chunk]]  # question -> the top DEPTH chunks, best first


def single_retriever(
    kind: str, *, session_factory: sessionmaker[Session], embedder: Embedder, settings: Settings
) -> Search:
    """One retriever on the original query, no fusion: the dense-only and BM25-only rows."""
    cache = BM25Cache(settings.bm25_backend, bm25_params(settings))

    def search(question: str) -> list[Chunk]:
        with session_factory() as session:
            if kind == "bm25":
                hits = bm25_search(session=session, index=cache.get(session=session), query=question, k=DEPTH)
            else:
                set_ef_search(session=session, ef_search=settings.hnsw_ef_search)
                hits = dense_search(
                    session=session,
                    query_vec=embedder.embed_query(question),
                    k=DEPTH,
                    window_margin=settings.dense_window_margin,
                    rows_per_table=settings.rows_per_table,
                )
        return [h.chunk for h in hits]

    return search


def pipeline(retriever: Retriever) -> Search:
    return lambda question: [h.chunk for h in retriever.retrieve(question, k=DEPTH).chunks]


def configurations(
    session_factory: sessionmaker[Session], embedder: Embedder, settings: Settings, reranker: Reranker
) -> dict[str, Search | str]:
    """Label -> search function, or the reason the row cannot be measured. Cumulative, in order."""

    def retriever(reranker: Reranker = NoOpReranker(), **overrides: object) -> Search:
        return pipeline(
            Retriever(
                session_factory=session_factory,
                embedder=embedder,
                reranker=reranker,
                settings=settings.model_copy(update=overrides),
            )
        )

    has_reranker = not isinstance(reranker, NoOpReranker)
    single = dict(session_factory=session_factory, embedder=embedder, settings=settings)
    rows: dict[str, Search | str] = {
        "dense only": single_retriever("dense", **single),
        "BM25 only": single_retriever("bm25", **single),
    }
    # "hybrid RRF, +rerank" is the default pipeline with the reranker switched on: the row to compare
    # with the default, since "+rerank" also carries MMR.
    staged = [
        ("hybrid RRF", False, 1.0),
        ("+MMR (lambda 0.7)", False, 0.7),
        ("+rerank", False, 0.7),
        ("hybrid RRF, +rerank", False, 1.0),
        ("+rewriting", True, 0.7),
        ("rewriting, no MMR", True, 1.0),
    ]
    for label, rewrite, lambda_ in staged:
        reranked = label.endswith("+rerank")
        if reranked and not has_reranker:
            rows[label] = "n/a (no local cross-encoder; RERANKER_MODEL unset)"
            continue
        is_default = (rewrite, lambda_) == (settings.query_rewrite, settings.mmr_lambda) and not reranked
        rows[label + (" (default)" if is_default else "")] = retriever(
            reranker if reranked else NoOpReranker(), query_rewrite=rewrite, mmr_lambda=lambda_
        )
    verifier = build_verifier(settings)
    if verifier is not None:  # only where RETRIEVAL_VERIFIER names a provider: never part of the offline rows
        rows[f"default + verifier ({verifier.name})"] = pipeline(
            Retriever(
                session_factory=session_factory,
                embedder=embedder,
                reranker=reranker,
                settings=settings,
                verifier=verifier,
            )
        )
    return rows


def stage_ranks(trace: RetrievalTrace, targets: Targets) -> str:
    """Where the first hit sits in each stage's list ('-' = absent): shows which stage loses it."""
    parts = []
    for stage in trace.stages:
        if stage.stage == "rewrite":
            continue
        rank = first_hit_rank([h.chunk for h in stage.hits], targets)
        parts.append(f"{stage.stage}={rank or '-'}")
    return " ".join(parts)


def report_misses(retriever: Retriever, questions: Sequence[Question]) -> None:
    """The questions the default pipeline misses at 5, with the first-hit rank at every stage."""
    rows = []
    for q in questions:
        result = retriever.retrieve(q.text, k=5)
        if recall_at([c.chunk for c in result.chunks], q.targets, 5) < 1.0:
            rows.append([q.id, q.kind, stage_ranks(result.trace, q.targets)])
    print(f"\nmisses at 5 (default configuration): {len(rows)}")
    if rows:
        headers = ["question", "kind", "first-hit rank per stage (dense/bm25 per variant, then rrf, mmr, rerank)"]
        print_table(headers, rows)


def unanswerable_questions(path: Path) -> list[str]:
    return [q["question"] for q in json.loads(path.read_text(encoding="utf-8"))["questions"] if not q["answerable"]]


def abstention(retriever: Retriever, questions: Sequence[Question], unanswerable: Sequence[str]) -> tuple[float, float]:
    """(share of unanswerable questions declined, share of answerable questions answered) by rag.answer."""
    from rag.answer import answer

    declined = [not answer(q, retriever=retriever, k=5).sufficient for q in unanswerable]
    answered = [answer(q.text, retriever=retriever, k=5).sufficient for q in questions]
    return (
        sum(declined) / len(declined) if declined else float("nan"),
        sum(answered) / len(answered) if answered else float("nan"),
    )


@dataclass
class SetResult:
    label: str
    questions: list[Question]
    chunks: int
    scores: dict[str, list[float] | str]
    by_kind: dict[str, dict[str, list[float]]]
    abstain: tuple[float, float]
    audited: dict[str, list[float] | str] | None = None  # scores counting `also_stated` pages; None: the set has none


def run_set(
    key: str,
    settings: Settings,
    embedder: Embedder,
    reranker: Reranker,
    *,
    only_default: bool,
    misses: bool,
    ingest_embedder: Embedder | None = None,
    reuse: bool = False,
) -> SetResult:
    """`ingest_embedder` embeds the corpus (default: the query `embedder`), as `python -m rag.ingest` would;
    `reuse` queries the set's database as a previous run left it (no ingestion)."""
    label, corpus, path = SETS[key]
    name = f"lg_bench_rq_{key}"
    engine = _existing_engine(settings, name) if reuse else bench_engine(name)
    session_factory = sessionmaker(bind=engine)
    chunks = _chunk_count(engine)
    if not reuse:
        reports = ingest_paths(
            [corpus or settings.policy_dir],
            session_factory=session_factory,
            embedder=ingest_embedder or embedder,
            settings=settings,
        )
        failed = [r.line() for r in reports if r.status == "failed"]
        if failed:
            raise SystemExit("ingest failed: " + "; ".join(failed))
        chunks = sum(r.chunks for r in reports)
    questions = load_questions(path)
    scores: dict[str, list[float] | str] = {}
    audited: dict[str, list[float] | str] = {}
    by_kind: dict[str, dict[str, list[float]]] = {}
    for name, search in configurations(session_factory, embedder, settings, reranker).items():
        if only_default and "(default)" not in name:
            continue
        if isinstance(search, str):
            scores[name], audited[name], by_kind[name] = search, search, {}
            continue
        results = [(q, search(q.text)) for q in questions]
        scores[name] = _scores(results, audited=False)
        audited[name] = _scores(results, audited=True)
        by_kind[name] = {kind: [recall_at(r, q.targets, 5) for q, r in results if q.kind == kind] for kind in KINDS}
    default = Retriever(session_factory=session_factory, embedder=embedder, reranker=reranker, settings=settings)
    abstain = abstention(default, questions, unanswerable_questions(path))
    verifier = build_verifier(settings)
    if verifier is not None:
        verified = Retriever(
            session_factory=session_factory, embedder=embedder, reranker=reranker, settings=settings, verifier=verifier
        )
        abstain_verified = abstention(verified, questions, unanswerable_questions(path))
        print(
            f"{label}: with the verifier ({verifier.name}): abstention {abstain_verified[0]:.2f}, "
            f"answered {abstain_verified[1]:.2f}",
            flush=True,
        )
    if misses:
        print(f"\n{label}")
        report_misses(default, questions)
    engine.dispose()
    has_audit = any(q.audited != q.targets for q in questions)
    return SetResult(label, questions, chunks, scores, by_kind, abstain, audited if has_audit else None)


def _scores(results: Sequence[tuple[Question, list[Chunk]]], *, audited: bool) -> list[float]:
    """[recall@5, MRR@10, nDCG@10] over `results`, against the references as written or as audited."""
    return [
        sum(metric(r, q.audited if audited else q.targets) for q, r in results) / len(results)
        for metric in (lambda r, t: recall_at(r, t, 5), reciprocal_rank, ndcg_at)
    ]


def _existing_engine(settings: Settings, name: str) -> Engine:
    """An engine on benchmark database `name` as a previous run left it; exits when it holds no chunks."""
    url = make_url(resolve_database_url(settings)).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        chunks = _chunk_count(engine)
    except OperationalError as exc:
        raise SystemExit(f"--reuse: no database {name} (run once without --reuse): {exc.orig}") from exc
    if not chunks:
        raise SystemExit(f"--reuse: database {name} holds no chunks (run once without --reuse)")
    return engine


def _chunk_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM policy_chunks")).scalar_one())


def _cell(value: list[float] | str | None, i: int) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) and i == 0 else ("n/a" if isinstance(value, str) else f"{value[i]:.3f}")


def print_report(results: list[SetResult], settings: Settings, reranker: Reranker) -> None:
    print(machine_line())
    print(
        f"embedder {settings.embedding_model} (queries {settings.embedding_backend}, documents "
        f"{ingest_backend(settings)}); reranker {reranker.name}; "
        + "; ".join(f"{r.label}: {r.chunks} chunks, {len(r.questions)} answerable questions" for r in results)
    )
    names = list(dict.fromkeys(name for r in results for name in r.scores))
    headers = ["configuration"] + [
        f"{metric} {r.label}" for metric in ("recall@5", "MRR@10", "nDCG@10") for r in results
    ]
    print_table(headers, [[name, *(_cell(r.scores.get(name), i) for i in range(3) for r in results)] for name in names])
    print("\nrecall@5 by question kind (default configuration), and abstention")
    rows = []
    for kind in KINDS:
        rows.append([kind, *(_kind_cell(r, kind) for r in results)])
    rows.append(["abstention (unanswerable declined)", *(f"{r.abstain[0]:.2f}" for r in results)])
    rows.append(["answered (answerable answered)", *(f"{r.abstain[1]:.2f}" for r in results)])
    print_table(["row", *(r.label for r in results)], rows)
    audited = [(r.label, r.audited) for r in results if r.audited is not None]
    if audited:
        print("\ncounting a hit on any page that states the reference (also_stated), same retrieval")
        metrics = ("recall@5", "MRR@10", "nDCG@10")
        headers = ["configuration"] + [f"{metric} {label}" for metric in metrics for label, _ in audited]
        print_table(headers, [[name, *(_cell(a.get(name), i) for i in range(3) for _, a in audited)] for name in names])


def _kind_cell(result: SetResult, kind: str) -> str:
    default = next((k for k in result.by_kind if "(default)" in k), None)
    values = result.by_kind.get(default, {}).get(kind, []) if default else []
    return f"{sum(values) / len(values):.2f} (n={len(values)})" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="also list the default configuration's misses")
    parser.add_argument("--sets", default="dev,heldout", help="comma-separated: dev, heldout")
    parser.add_argument("--configs", choices=["all", "default"], default="all")
    parser.add_argument("--reuse", action="store_true", help="query the databases a previous run left; no ingestion")
    args = parser.parse_args()
    settings = get_settings()
    embedder, documents = get_embedder(), build_ingest_embedder(settings)
    reranker = build_reranker(settings)
    results = [
        run_set(
            key,
            settings,
            embedder,
            reranker,
            only_default=args.configs == "default",
            misses=args.misses,
            ingest_embedder=documents,
            reuse=args.reuse,
        )
        for key in args.sets.split(",")
    ]
    print_report(results, settings, reranker)


if __name__ == "__main__":
    main()
