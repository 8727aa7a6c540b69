"""`python -m agents.run FILE` from a cold process: wall time, import time and time to the decision.

    python benchmarks/startup.py [--rounds 5] [--file seed_data/applications/01_....json]
                                 [--variant after=. --variant before=/path/to/other/checkout]

Each round runs the command once per variant (alternating, so a busy machine slows all alike) on a
copy of FILE with a fresh application_id, then once more under `python -X importtime` for the time
spent importing (the sum of the top-level imports). Run the command once beforehand so the data folder
is set up and ingested (`python -m rag.ingest`). The first run of each variant is reported apart; with
`--clear-cache` the vector cache (rag/embeddings_cache.py) is emptied before it, so that run loads the
model as a first run after an ingest or a new rulebook does. To compare two checkouts on one corpus,
make the other checkout's `.data` a symlink to this one's.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import median, print_table  # noqa: E402
from core.settings import PROJECT_ROOT, get_settings  # noqa: E402

DEFAULT_FILE = PROJECT_ROOT / "seed_data" / "applications" / "01_conventional_clean_approve.json"
_IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")


@dataclass(frozen=True)
class Sample:
    wall_s: float
    first_event_s: float
    decision_s: float


def application_copy(source: Path, folder: Path) -> Path:
    """`source` with a fresh application_id (an ID is refused the second time)."""
    data = json.loads(source.read_text())
    app = data.get("application", data)
    app["application_id"] = f"BENCH-{uuid.uuid4().hex[:12]}"
    path = folder / f"{app['application_id']}.json"
    path.write_text(json.dumps(data))
    return path


def timed_command(checkout: Path, application: Path) -> Sample:
    """Wall time of the whole command, and when its first agent line and its decision were printed."""
    started = time.perf_counter()
    first: float | None = None
    decision = float("nan")
    with subprocess.Popen(
        [sys.executable, "-m", "agents.run", str(application)],
        cwd=checkout,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            now = time.perf_counter() - started
            if line.startswith("[") and first is None:
                first = now
            if line.startswith("DECISION"):
                decision = now
    if proc.returncode != 0:
        raise RuntimeError(f"agents.run exited {proc.returncode} in {checkout}")
    return Sample(time.perf_counter() - started, float("nan") if first is None else first, decision)


def import_seconds(checkout: Path, application: Path) -> float:
    """Seconds of top-level imports in one run of the command (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "agents.run", str(application)],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    total_us = sum(int(m.group(1)) for m in map(_IMPORT_LINE.match, done.stderr.splitlines()) if m)
    return total_us / 1e6


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=CHECKOUT")
    parser.add_argument("--clear-cache", action="store_true", help="empty the vector cache before each first run")
    args = parser.parse_args()
    variants = [tuple(v.split("=", 1)) for v in args.variant] or [("this checkout", str(PROJECT_ROOT))]
    checkouts = {label: Path(path).resolve() for label, path in variants}
    samples: dict[str, list[Sample]] = {label: [] for label in checkouts}
    imports: dict[str, list[float]] = {label: [] for label in checkouts}
    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="lg-startup-") as tmp:
        folder = Path(tmp)
        first_runs = {}
        for label, path in checkouts.items():
            if args.clear_cache:
                shutil.rmtree(get_settings().embedding_cache_dir, ignore_errors=True)
            first_runs[label] = timed_command(path, application_copy(args.file, folder))
        for _ in range(args.rounds):
            for label, path in checkouts.items():
                samples[label].append(timed_command(path, application_copy(args.file, folder)))
                imports[label].append(import_seconds(path, application_copy(args.file, folder)))
            loads.append(load_average())
    rows = [
        [
            label,
            len(samples[label]),
            f"{first_runs[label].wall_s:.2f}",
            f"{median([s.wall_s for s in samples[label]]):.2f}",
            f"{min(s.wall_s for s in samples[label]):.2f}",
            f"{median(imports[label]):.2f}",
            f"{median([s.first_event_s for s in samples[label]]):.2f}",
            f"{median([s.decision_s for s in samples[label]]):.2f}",
        ]
        for label in checkouts
    ]
    cache = "emptied before each first run" if args.clear_cache else "as found"
    print(f"`python -m agents.run {args.file.name}`, {args.rounds} rounds, vector cache {cache}")
    print(f"load average before and after each round: {' / '.join(loads)}")
    headers = ["variant", "runs", "first run s", "wall p50 s", "wall min s", "imports p50 s"]
    print_table([*headers, "first event p50 s", "decision p50 s"], rows)


if __name__ == "__main__":
    main()
