"""Refused rows of a batch, streamed to disk as they are found: memory holds only the first few.

A file of a million junk lines must not hold a million refusals in memory (issue 22: 1.74 GB for 3M
lines). Every refusal is appended to a JSON Lines file; the first `keep` stay in memory for the
batch record and the summary, and iterating reads the file back in file order.
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
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("w+", encoding="utf-8") if path else tempfile.TemporaryFile("w+", encoding="utf-8")

    def add(self, row: int, errors: dict[str, str]) -> None:
        entry = {"row": row, "errors": errors}
        self._file.write(json.dumps(entry, ensure_ascii=True) + "\n")
        self.count += 1
        if len(self.kept) < self.keep:
            self.kept.append(entry)

    def sort_kept(self) -> None:
        self.kept.sort(key=lambda r: r["row"])

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every refusal in the order found (from memory when all fit, else from the file, line by line)."""
        if self.count <= len(self.kept):
            yield from list(self.kept)
            return
        self._file.flush()
        self._file.seek(0)
        try:
            for line in self._file:
                yield json.loads(line)
        finally:
            self._file.seek(0, 2)  # later rows append at the end

    def __getitem__(self, index: int | slice) -> Any:
        return self.kept[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, Refusals)) else NotImplemented

    def __repr__(self) -> str:
        return f"Refusals({self.count} rows, first {self.kept[:3]!r}...)"
