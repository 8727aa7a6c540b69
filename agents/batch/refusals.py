"""Refused rows of a batch, streamed to disk as they are found: memory holds only the first few.

A file of a million junk lines must not hold a million refusals in memory (issue 22: 1.74 GB for 3M
lines), nor write a million identical lines: consecutive rows refused for the same reasons are one
line, {"rows": [first, last], "errors": ...}. The first `keep` refusals stay in memory for the batch
record and the summary; iterating reads the file back, one refusal per row, in file order.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

KEEP = 1000  # refusals kept in memory (the batch record lists this many)


class Refusals:
    """A list-like record of refused rows: `len` counts all of them, `[i]` and slices see the first `keep`."""

    def __init__(self, path: Path | None = None, *, keep: int = KEEP):
        self.path, self.keep, self.count = path, keep, 0
        self.kept: list[dict[str, Any]] = []
        self._file: IO[str] | None = None
        self._run: tuple[int, int, dict[str, str]] | None = None  # consecutive rows, same errors, not yet written

    def add(self, row: int, errors: dict[str, str]) -> None:
        self.count += 1
        if len(self.kept) < self.keep:
            self.kept.append({"row": row, "errors": errors})
        if self._run is not None and row == self._run[1] + 1 and errors == self._run[2]:
            self._run = (self._run[0], row, errors)
            return
        self._write_run()
        self._run = (row, row, errors)

    def _write_run(self) -> None:
        if self._run is None:
            return
        first, last, errors = self._run
        entry = {"row": first, "errors": errors} if first == last else {"rows": [first, last], "errors": errors}
        self._open().write(json.dumps(entry, ensure_ascii=True) + "\n")
        self._run = None

    def _open(self) -> IO[str]:
        if self._file is None:  # only a batch with refusals gets a file
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("w+", encoding="utf-8")
            else:
                self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
        return self._file

    def sort_kept(self) -> None:
        self.kept.sort(key=lambda r: r["row"])

    def flush(self) -> None:
        self._write_run()
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        self.flush()
        if self._file is not None:
            self._file.close()

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every refusal in the order found (from memory when all fit, else from the file, line by line)."""
        if self.count <= len(self.kept):
            yield from list(self.kept)
            return
        self.flush()
        assert self._file is not None
        self._file.seek(0)
        try:
            for line in self._file:
                entry = json.loads(line)
                first, last = entry.get("rows", [entry.get("row"), entry.get("row")])
                for row in range(first, last + 1):
                    yield {"row": row, "errors": entry["errors"]}
        finally:
            self._file.seek(0, 2)  # later rows append at the end

    def __getitem__(self, index: int | slice) -> Any:
        return self.kept[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, Refusals)) else NotImplemented

    def __repr__(self) -> str:
        return f"Refusals({self.count} rows, first {self.kept[:3]!r}...)"
