"""`python -m policy check` and `python -m policy publish`: the command line over `policy.publication`.

Exit codes: 0 verified / published; 1 not verified (check) or publish refused; 2 bad arguments or input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import ConfigurationError, LoanGraphError
from policy.check import CheckReport
from policy.rules import DEFAULT_RULES_PATH, load_rules


def _refusing_bad_files(command):
    """A rulebook file that cannot be read is a one-line error and exit 2, never a traceback."""

    def run(argv: list[str]) -> int:
        try:
            return command(argv)
        except ConfigurationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    run.__doc__ = command.__doc__
    return run


def _sessions():
    from core.db import get_sessionmaker

    return get_sessionmaker()


@_refusing_bad_files
def check(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policy check",
        description="Verify a rulebook and the requirement inventory against the whole "
        "current corpus (default rulebook: the published one, else the seed).",
    )
    parser.add_argument("rulebook", nargs="?", type=Path, help="a rulebook file (default: the published rulebook)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    from policy.publication import check_current, latest

    with _sessions()() as session:
        if args.rulebook is not None:
            rules, source = load_rules(args.rulebook), str(args.rulebook)
        else:
            published = latest(session=session)
            rules, source = (
                (published.rules, f"publication {published.id}")
                if published
                else (load_rules(DEFAULT_RULES_PATH), str(DEFAULT_RULES_PATH))
            )
        report = check_current(rules, session=session)
    if args.json:
        print(json.dumps({"rulebook": source, **report.to_dict()}, ensure_ascii=False))
    else:
        print(_table(report, source))
    return 0 if report.passed else 1


def _table(report: CheckReport, source: str) -> str:
    lines = [
        f"rulebook: {source}",
        f"documents: {', '.join(report.documents) or '(none ingested)'}",
        "| rule | status | where / why |",
        "|---|---|---|",
    ]
    for c in report.rules:
        where = c.citation.label() if c.verified and c.citation else c.detail
        lines.append(f"| {c.rule_id} | {c.status}{' (reworded)' if c.reworded and c.verified else ''} | {where} |")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts().items()))
    missing = report.missing_sentences
    lines.append(
        f"rules: {counts}; inventory: {len(report.sentences)} sentences, {len(missing)} missing"
        + "".join(f"\n  missing inventory sentence {s.id} ({s.doc})" for s in missing[:20])
    )
    lines.append(
        "PASSED: every rule and inventory sentence verified"
        if report.passed
        else "NOT VERIFIED: fix the rulebook or publish with --accept-gaps REASON"
    )
    return "\n".join(lines)


@_refusing_bad_files
def publish(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policy publish", description="Make a rulebook the one decisions use (after checking it)."
    )
    parser.add_argument("rulebook", type=Path)
    parser.add_argument("--approver", required=True, help="who publishes it (recorded in the audit log)")
    parser.add_argument(
        "--accept-gaps",
        metavar="REASON",
        help="publish although some items are not verified; those rules then refer every file they apply to",
    )
    parser.add_argument(
        "--accept",
        metavar="ID",
        action="append",
        help="a rule or inventory sentence id accepted as a gap (repeat for each); with it, a gap not named is "
        "refused (without it, --accept-gaps accepts every gap the check lists)",
    )
    parser.add_argument("--name", help="a name for this rulebook (default: the file's own name field)")
    args = parser.parse_args(argv)
    if args.accept and not args.accept_gaps:
        parser.error("--accept needs --accept-gaps REASON: why these gaps are accepted")
    from policy.publication import PublishRefused
    from policy.publication import publish as do_publish

    rules = load_rules(args.rulebook)
    name = args.name or json.loads(args.rulebook.read_text(encoding="utf-8")).get("name") or args.rulebook.stem
    try:
        with _sessions().begin() as session:
            published, report = do_publish(
                rules,
                session=session,
                approver=args.approver,
                name=name,
                accept_gaps=args.accept_gaps,
                accepted=args.accept,
            )
    except PublishRefused as exc:
        print(_table(exc.report, str(args.rulebook)), file=sys.stderr)
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except LoanGraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    gaps = len(published.accepted_gaps)
    omitted = [g.get("rule_id") for g in published.accepted_gaps if g.get("status") == "not_stated"]
    if omitted:
        print(f"not applied (the approver accepts that this policy states no such rule): {', '.join(omitted)}")
    print(
        f"published {args.rulebook} as publication {published.id} by {published.approver}: {len(rules)} rules, "
        f"policy version {published.policy_version}, corpus {published.corpus_version}"
        + (f"; {gaps} gap(s) accepted: {published.accept_reason}" if gaps else "; every rule verified")
    )
    return 0
