"""CLI: underwrite a file of applications, resumably, on local processes or Dask.

    python -m agents.batch FILE [--engine local|dask] [--workers N] [--limit N] [--mapping MAP.json] [--json]

FILE is CSV or JSON Lines (optionally .gz) of applications in our schema, or a HMDA register file.
Running the same file again resumes its batch: decided rows are skipped, cut-off runs resumed.
Exit codes: 0 every row decided, 1 some rows refused (listed, all of them in the refusals file) or not
decided (stopped, interrupted, the database unavailable at start: rerun to resume), 2 the file cannot be
read as a batch or setup failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from agents.batch.reader import BatchFileError
from core.errors import LoanGraphError, database_outages, outage_message


def build_engine(args: argparse.Namespace, database_url: str):
    from agents.batch.engines import DaskEngine, InlineEngine, LocalEngine
    from core.settings import get_settings

    settings = get_settings()
    workers = settings.batch_workers if args.workers is None else args.workers
    if workers == 0:
        from agents.service import get_service

        return InlineEngine(get_service())
    if args.engine == "dask":
        if settings.dask_scheduler_address and not settings.database_url:
            raise LoanGraphError(
                "workers on other machines need a shared database: set DATABASE_URL "
                "(the embedded server only listens on this machine's socket)"
            )
        return DaskEngine(workers, database_url, settings.dask_scheduler_address)
    return LocalEngine(workers, database_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.batch", description="Underwrite a file of applications.")
    parser.add_argument("file", type=Path, help="CSV or JSON Lines of applications, or a HMDA register CSV")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (0: in this process)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows of the file")
    parser.add_argument("--mapping", type=Path, help='JSON object {"their column": "our field"}')
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.workers is not None and args.workers < 0 or args.limit is not None and args.limit < 1:
        parser.error("--workers must be 0 or more and --limit 1 or more")
    try:
        from agents.batch.runner import plan_batch
        from core.db import get_sessionmaker, resolve_database_url
        from core.settings import get_settings

        mapping = _mapping(args.mapping)
        sessions = get_sessionmaker()
        plan = plan_batch(args.file, sessions=sessions, mapping=mapping, limit=args.limit)
        warning = policy_warning(sessions)
        if warning and plan.tasks:
            print(f"WARNING: {warning}", file=sys.stderr)
        print(
            f"batch {plan.batch_id} ({plan.source}): {plan.total_rows} rows, {len(plan.tasks)} to underwrite, "
            f"{plan.skipped} already decided, {len(plan.refused)} refused",
            file=sys.stderr,
        )
        # workers get the owner's URL, as this process did: they check the schema is current, then
        # connect as the app's least-privilege role (core.db.get_engine) and never start a server
        engine = build_engine(args, resolve_database_url(get_settings()))
        summary = _run_with_progress(plan, engine, sessions, show=not args.no_progress)
        summary["fairness"], summary["fairness_drivers"] = _fairness(sessions, plan.batch_id, plan.source)
    except database_outages() as exc:  # at start-up: the same line and code as rows cut off mid-run
        print(f"INTERRUPTED: {outage_message(exc)}", file=sys.stderr)
        return 1
    except (BatchFileError, LoanGraphError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, default=str))
    else:
        print(describe(summary))
    return 0 if summary["status"] == "completed" and not summary["refused"] else 1


def policy_warning(sessions) -> str | None:
    """Why every row will be referred, when it will be: no rulebook is published (and perhaps no policy
    document ingested to publish one against). None when a publication is in force, after the first-start
    publication of our own rulebook a worker would make (`policy.publication.ensure_first_start`)."""
    from policy.publication import ensure_first_start
    from rag.ingest.service import corpus_stats

    if ensure_first_start(sessions) is not None:
        return None
    with sessions() as session:
        documents = corpus_stats(session=session)["documents"]
    fix = "publish one (`python -m policy publish`, or the Policy page)"
    if not documents:
        fix = "ingest the policy guide (`python -m rag.ingest`) and " + fix
    return (
        f"no rulebook is published, so every row will be REFERRED to a person, and a rerun of this file skips "
        f"the rows decided now: stop (Ctrl-C) and {fix} first."
    )


def _mapping(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BatchFileError(f"mapping file {path}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise BatchFileError(f'mapping file {path}: must be a JSON object {{"their column": "our field"}}')
    return data


def _fairness(sessions, batch_id: str, source: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Approval rate and adverse impact ratio by group, when the file carried monitoring data; and for each
    group below four-fifths its principal reasons beside the reference group's (with the HMDA mapping
    assumptions behind each reason for a HMDA file)."""
    from dataclasses import asdict

    from agents.batch import store
    from agents.batch.hmda import load_mapping
    from agents.fairness import as_records, fairness_table
    from agents.fairness_drivers import flagged_drivers
    from core.settings import get_settings

    with sessions() as session:
        results = store.batch_results(session=session, batch_id=batch_id)
    rows = fairness_table(results, min_group=get_settings().fairness_min_group)
    found = flagged_drivers(results, rows, mapping=load_mapping() if source == "hmda" else None)
    return as_records(rows), [asdict(d) for d in found]


def _run_with_progress(plan, engine, sessions, *, show: bool) -> dict[str, Any]:
    from tqdm import tqdm

    from agents.batch.runner import execute

    with tqdm(total=len(plan.tasks), unit="app", file=sys.stderr, disable=not show, smoothing=0.1) as bar:
        return execute(plan, engine, sessions=sessions, on_outcome=lambda o: bar.update(1))


def describe(summary: dict[str, Any]) -> str:
    lines = [
        f"batch {summary['batch_id']}: {summary['status']}",
        f"  decided {summary['decided']}, skipped (decided earlier) {summary['skipped']}, "
        f"refused {summary['refused']}, errors {summary['errors']}",
        f"  {summary['per_hour']:,} applications/hour; p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms "
        f"per application; {summary['db_share']:.0%} of worker time in the database",
    ]
    for program, mix in summary["by_program"].items():
        lines.append(f"  {program:<13}" + ", ".join(f"{k} {v}" for k, v in sorted(mix.items())))
    for row in summary["refused_rows"][:20]:
        lines.append(f"  refused row {row['row']}: " + "; ".join(f"{f}: {m}" for f, m in row["errors"].items()))
    if summary.get("refused_file"):
        lines.append(f"  every refused row: {summary['refused_file']}")
    for row in summary["error_rows"][:20]:
        lines.append(f"  not decided row {row['row']} (run {row['run_id']}): {row['message']}")
    if summary.get("fairness"):
        lines.append("  fair lending (approval rate, adverse impact ratio; * below four-fifths):")
        lines.append(f"    {'group':<45} {'n':>6} {'engine':>8} {'AIR':>6}  {'HMDA':>8} {'AIR':>6}")
        for r in summary["fairness"]:
            lines.append(
                f"    {r['attribute'] + ': ' + r['group']:<45} {r['n']:>6} {r['engine_rate']:>8.1%} "
                f"{_air(r['engine_air'], r['engine_flag']):>6}  {_pct(r['hmda_rate']):>8} "
                f"{_air(r['hmda_air'], r['hmda_flag']):>6}"
                + (f"  {r['engine_screen']}" if r.get("screen") == "too_few" else "")
            )
    lines += describe_drivers(summary.get("fairness_drivers") or [])
    if summary["status"] != "completed":
        lines.append("  rerun the same command to resume: decided rows are skipped, cut-off runs continue")
    return "\n".join(lines)


def describe_drivers(found: list[dict[str, Any]]) -> list[str]:
    """Per group below four-fifths: its non-approvals' principal reasons beside the reference group's."""
    lines = []
    for d in found:
        lines.append(
            f"  drivers of {d['attribute']}: {d['group']} ({d['group_not_approved']} not approved) beside "
            f"{d['reference']} ({d['reference_not_approved']} not approved), share of non-approvals:"
        )
        for r in d["reasons"]:
            lines.append(f"    {r['group_share']:>6.1%} vs {r['reference_share']:>6.1%}  {r['reason']}")
            lines += [f"             mapping assumption: {a}" for a in r["assumptions"]]
    return lines


def _air(value: float | None, flag: bool) -> str:
    return "-" if value is None else f"{value:.2f}{'*' if flag else ''}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


if __name__ == "__main__":
    sys.exit(main())
