"""`python -m policy impact [RULEBOOK] [--from FILE | --last N] [--json]`: what a candidate rulebook changes.

Re-decides stored applications (the newest N completed runs) or the applications of a batch file under the
publication decisions use now and under the candidate, without writing runs. Prints a table; `--json` ends
with one object {"candidate", "decided", "flipped", "flips", "by_program"} (and "fairness" when the
applications carry monitoring data). Exit 0 when the report is made, 2 on a bad rulebook or file.

It lives in agents/ because it runs the pipeline; policy/ never imports agents/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agents.impact import ImpactReport, Item, impact, last_runs
from core.errors import ConfigurationError, InvalidApplication, LoanGraphError
from policy.rules import DEFAULT_RULES_PATH, load_rules


def read_batch(path: Path) -> tuple[list[Item], list[dict]]:
    """The valid applications of a JSON, JSONL or CSV batch file (HMDA rows mapped), and the refused rows."""
    from agents.batch.runner import detect_source, parse_rows
    from core.schemas import application_facts, validate_application

    if path.suffix.lower() == ".json":
        return _read_json_list(path)
    valid, refused, _ = parse_rows(path, source=detect_source(path))
    items = [
        (f"row {n}", application_facts(validate_application(app)), monitoring or None) for n, app, monitoring in valid
    ]
    return items, refused


def _read_json_list(path: Path) -> tuple[list[Item], list[dict]]:
    from agents.batch.rows import split_monitoring
    from core.schemas import application_facts, validate_application

    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data if isinstance(data, list) else [data]
    items, refused = [], []
    for n, row in enumerate(rows, start=1):
        application, monitoring = split_monitoring(row) if isinstance(row, dict) else (row, {})
        try:
            facts = application_facts(validate_application(application))
        except InvalidApplication as exc:
            refused.append({"row": n, "errors": dict(exc.field_errors)})
            continue
        items.append((f"row {n}", facts, monitoring or None))
    return items, refused


def run_impact(rules, items: list[Item]) -> ImpactReport:
    from agents.redecide import candidate
    from agents.service import get_service
    from policy.publication import latest

    service = get_service()
    with service.sessions() as session:
        current = latest(session=session)
        proposed = candidate(rules, session=session, name="candidate")
    return impact(proposed, items, context=service.context, current=current)


def table(report: ImpactReport, source: str) -> str:
    current = report.current
    against = f"publication {current['id']} ({current['name']})" if current else "no publication"
    lines = [
        f"candidate {source}: policy version {report.candidate['policy_version']}, "
        f"corpus {report.candidate['corpus_version']}",
        f"against: {against}",
        f"decided {report.decided}, flipped {report.flipped}",
        "",
        "| program | decided | flipped | before | after |",
        "|---|---|---|---|---|",
    ]
    for program, c in report.by_program.items():
        lines.append(f"| {program} | {c['decided']} | {c['flipped']} | {_mix(c['before'])} | {_mix(c['after'])} |")
    if report.flips:
        lines += ["", "| application | program | before | after | moved by |", "|---|---|---|---|---|"]
        lines += [
            f"| {f.label} | {f.program} | {f.before} | {f.after} | {', '.join(f.moved_by) or '-'} |"
            for f in report.flips
        ]
    if report.fairness:
        lines += ["", "| group | n | approval before | after | AIR before | after |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {g.attribute}: {g.group} | {g.n} | {g.before_rate:.1%} | {g.after_rate:.1%} | "
            f"{_air(g.before_air, g.before_flag)} | {_air(g.after_air, g.after_flag)} |"
            for g in report.fairness
        ]
    lines += [f"not decided: {e['label']}: {e['error']}" for e in report.errors]
    return "\n".join(lines)


def _mix(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def _air(value: float | None, flag: bool) -> str:
    return "-" if value is None else f"{value:.2f}{'*' if flag else ''}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policy impact",
        description="Re-decide applications under a candidate rulebook, storing nothing.",
    )
    parser.add_argument(
        "rulebook",
        nargs="?",
        type=Path,
        default=DEFAULT_RULES_PATH,
        help=f"the candidate rulebook (default: {DEFAULT_RULES_PATH.name})",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--from",
        dest="from_file",
        type=Path,
        metavar="FILE",
        help="a JSON, JSONL or CSV file of applications (a batch file; HMDA rows are mapped)",
    )
    source.add_argument("--last", type=int, default=50, metavar="N", help="the newest N completed runs (default 50)")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args(argv)
    if args.last < 1:
        parser.error("--last must be at least 1")
    try:
        rules = load_rules(args.rulebook)
        if args.from_file is not None:
            items, refused = read_batch(args.from_file)
            for row in refused[:20]:
                print(f"refused row {row['row']}: {row['errors']}", file=sys.stderr)
        else:
            from core.db import get_sessionmaker

            with get_sessionmaker()() as session:
                items = last_runs(session, args.last)
        report = run_impact(rules, items)
    except (ConfigurationError, LoanGraphError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(table(report, str(args.rulebook)))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
    return 0
