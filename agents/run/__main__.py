"""CLI: underwrite one application, printing each agent's verdict as it lands.

    python -m agents.run APPLICATION.json [--json]
    python -m agents.run --resume RUN_ID [--json]
    python -m agents.run --fail RUN_ID [--reason TEXT]

APPLICATION.json is a LoanApplication object, or a sample file with an "application" key.
Exit codes: 0 decided (or marked failed), 1 interrupted (resumable) or the database unavailable (at start-up
or mid-run: one "INTERRUPTED:" line, run the same command again), 2 invalid input (a taken application_id
included) or setup error, 3 the run is being run or resumed by another process right now (nothing changed).
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from agents.events import AgentEvent, RunFinished, RunInterrupted, RunStarted, summary_json
from core.errors import InvalidApplication, LoanGraphError, RunBusy, database_outages, outage_message
from core.json_input import load_file
from core.schemas import validate_application


def load(path: Path) -> Any:
    """The application object in `path` (size, nesting and number checks in core.json_input)."""
    data = load_file(path)
    return data.get("application", data) if isinstance(data, dict) else data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.run", description="Underwrite one loan application.")
    parser.add_argument("application", nargs="?", type=Path, help="application JSON file")
    parser.add_argument("--resume", metavar="RUN_ID", help="continue an interrupted run")
    parser.add_argument("--fail", metavar="RUN_ID", help="mark an unfinished run failed (never resumed)")
    parser.add_argument("--reason", default="marked failed by an operator", help="why, with --fail")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.application and not args.resume and not args.fail:
        parser.error("give an APPLICATION.json, --resume RUN_ID or --fail RUN_ID")
    try:
        # the file is checked before the pipeline is even imported: a refusal costs no start-up
        app = validate_application(load(args.application)) if not args.resume and not args.fail else None
        from agents.service import get_service, mark_run_failed

        if args.fail:
            mark_run_failed(args.fail, args.reason)
            print(f"run {args.fail} marked failed")
            return 0
        stream = get_service().resume(args.resume) if args.resume else get_service().run(app)
        events = []
        for event in stream:
            events.append(event)
            if not args.json:
                print(describe(event), flush=True)
    except InvalidApplication as exc:
        print("invalid application:", *exc.messages(), sep="\n  ", file=sys.stderr)
        return 2
    except RunBusy as exc:
        print(f"already resumed: {exc}", file=sys.stderr)
        return 3
    except database_outages() as exc:  # before the run started: the same line and code as a mid-run outage
        print(describe(RunInterrupted(args.resume or "", outage_message(exc))), file=sys.stderr)
        return 1
    except (LoanGraphError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary_json(events), indent=2, default=str))
    return 1 if any(isinstance(e, RunInterrupted) for e in events) else 0


def describe(event) -> str:
    if isinstance(event, RunStarted):
        return f"run {event.run_id} (corpus {event.corpus_version}, rules {event.ruleset_version})"
    if isinstance(event, AgentEvent):
        line = f"[{event.elapsed_ms:7.0f} ms] {event.agent:<12} {event.verdict.verdict:<24} {event.verdict.summary}"
        return line + "".join(f"\n    ! {e.message}" for e in event.errors)
    if isinstance(event, RunFinished):
        reasons = "".join(
            f"\n    - {r.reason}: {r.detail}"
            + (f" ({r.citation.label()})" if r.citation else "")
            + (f"\n      to change: {r.remedy}" if r.remedy else "")
            for r in event.report.principal_reasons
        )
        conditions = "".join(f"\n    * {c}" for c in event.report.conditions)
        return f"DECISION {event.report.recommendation} in {event.latency_ms:.0f} ms{reasons}{conditions}"
    return f"INTERRUPTED: {event.message}"


def exit_without_teardown(code: int) -> NoReturn:
    """Exit as `sys.exit(code)` does, less freeing every imported module's objects one by one (most of a
    second after a run: langgraph's, pydantic's, SQLAlchemy's). First the service's connection pool is
    closed, other threads are joined, output is flushed and the exit handlers run (the embedded server's
    release, which stops it if this process started it; logging's flush)."""
    service = sys.modules.get("agents.service")
    if service is not None:
        service.close_service()
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_without_teardown(main())
