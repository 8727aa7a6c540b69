"""Batch memory with the number of refused rows (issue 22, point 6): peak RSS of `python -m agents.batch`
on gzipped JSON Lines files of junk lines, each of which is refused.

    python benchmarks/batch_refusals.py [--lines 300000,3000000]

Each size runs the real CLI in its own process (the configured DATA_DIR and database); its peak RSS is
that process's ru_maxrss (os.wait4). Refusals are streamed to DATA_DIR/batches/<batch>-refused.jsonl, so the peak
should stay flat as the file grows (target: 3M junk lines under 400 MB).
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine_line, print_table  # noqa: E402
from core.settings import PROJECT_ROOT  # noqa: E402


def junk_file(folder: Path, lines: int) -> Path:
    path = folder / f"junk-{lines}.jsonl.gz"
    with gzip.open(path, "wt") as f:
        for _ in range(lines):
            f.write("junk\n")
    return path


def measure(path: Path) -> tuple[float, float, int]:
    """(wall s, peak RSS MB, exit code) of one batch CLI process on `path`."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "agents.batch", str(path), "--workers", "1"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak (and its waited-for children's)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="300000,3000000", help="comma-separated junk line counts")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for lines in sorted(int(n) for n in args.lines.split(",")):
            path = junk_file(Path(tmp), lines)
            wall, peak, code = measure(path)
            rows.append([f"{lines:,}", f"{path.stat().st_size / 1024:.0f} KB", f"{wall:.0f}", f"{peak:.0f}", code])
    print(machine_line())
    print_table(["junk lines", ".gz size", "wall s", "peak RSS MB", "exit"], rows)


if __name__ == "__main__":
    main()
