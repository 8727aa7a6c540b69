"""Reading a batch file: CSV or JSON Lines, one application per line, every line checked on its own.

A bad line never stops the file: it becomes a refused row with its row number and a reason.
File-level problems (not CSV/JSONL, a missing column) raise `BatchFileError` before anything runs.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from core import json_input
from core.errors import InvalidApplication

MAX_LINE_BYTES = 1_000_000  # one application is a few KB; a 100 MB line is junk, not a file
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class BatchFileError(ValueError):
    """The file as a whole cannot be read as a batch (the message says why and what to do)."""


@dataclass(frozen=True)
class RawRow:
    """One line of the file (row 1 is the first data line): its fields, or why it was refused."""

    row_number: int
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def file_format(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    fmt = SUFFIXES.get(Path(name).suffix)
    if fmt is None:
        raise BatchFileError(
            f"{path.name}: not a CSV or JSON Lines file (expected .csv, .jsonl or .ndjson, optionally .gz)"
        )
    return fmt


def open_binary(path: Path) -> IO[bytes]:
    if not path.is_file():
        raise BatchFileError(f"{path}: no such file")
    raw = path.open("rb")
    if path.name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _lines(stream: IO[bytes]) -> Iterator[tuple[bytes | None, str | None]]:
    """Each line as bytes, or (None, reason) for a line too long to be an application."""
    while True:
        try:
            line = stream.readline(MAX_LINE_BYTES + 1)
        except (OSError, EOFError) as exc:  # a truncated or corrupt .gz
            raise BatchFileError(f"the file could not be read to the end ({exc})") from None
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the oversized line without holding it in memory
            yield None, f"line longer than {MAX_LINE_BYTES // 1_000_000} MB"
            continue
        yield line, None


def _decode(line: bytes) -> str | None:
    if b"\x00" in line:
        return None
    try:
        return line.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None


def csv_header(path: Path) -> set[str]:
    """The column names of a CSV file's header line (empty if it has none)."""
    with open_binary(path) as stream:
        line, _ = next(_lines(stream), (None, None))
    text = _decode(line) if line else None
    return {h.strip() for h in next(csv.reader(io.StringIO(text)), [])} if text else set()


def read_rows(
    path: Path, *, required: frozenset[str] = frozenset(), mapping: dict[str, str] | None = None
) -> Iterator[RawRow]:
    """Rows of `path`, columns renamed by `mapping` (their name -> ours); `required` columns must exist."""
    fmt = file_format(path)
    with open_binary(path) as stream:
        reader = _csv_rows if fmt == "csv" else _jsonl_rows
        yield from reader(_lines(stream), required=required, mapping=mapping or {})


def _texts(lines: Iterator[tuple[bytes | None, str | None]]) -> Iterator[tuple[int, str | RawRow]]:
    """(row number, the line's text) for each non-blank line, or a refused RawRow for an unreadable one."""
    for n, (line, problem) in enumerate(lines, start=1):
        text = _decode(line) if line is not None else None
        if text is None:
            yield n, RawRow(n, errors={"row": problem or "not UTF-8 text, or contains NUL characters"})
        elif text.strip():
            yield n, text


def _csv_rows(
    lines: Iterator[tuple[bytes | None, str | None]], *, required: frozenset[str], mapping: dict[str, str]
) -> Iterator[RawRow]:
    header_line, problem = next(lines, (None, "empty file"))
    header_text = _decode(header_line) if header_line is not None else None
    if header_text is None or not header_text.strip():
        raise BatchFileError(f"no CSV header line ({problem or 'not UTF-8 text'})")
    header = [mapping.get(h.strip(), h.strip()) for h in next(csv.reader(io.StringIO(header_text)))]
    missing = sorted(required - set(header))
    if missing:
        raise BatchFileError(
            f"missing column(s): {', '.join(missing)} (give a --mapping file if your columns have other names)"
        )
    for n, text in _texts(lines):
        if isinstance(text, RawRow):
            yield text
            continue
        cells = next(csv.reader(io.StringIO(text)), [])
        if len(cells) != len(header):
            yield RawRow(n, errors={"row": f"has {len(cells)} cells, the header has {len(header)}"})
            continue
        yield RawRow(n, data={k: v for k, v in zip(header, cells) if v.strip() != ""})


def _jsonl_rows(
    lines: Iterator[tuple[bytes | None, str | None]], *, required: frozenset[str], mapping: dict[str, str]
) -> Iterator[RawRow]:
    for n, text in _texts(lines):
        if isinstance(text, RawRow):
            yield text
            continue
        try:
            data = json_input.loads(text)  # exact Decimals, no NaN, size and nesting caps
        except InvalidApplication as exc:
            yield RawRow(n, errors={"row": exc.field_errors["application"]})
            continue
        if not isinstance(data, dict):
            yield RawRow(n, errors={"row": "must be a JSON object of field names and values"})
            continue
        data = data.get("application", data) if isinstance(data.get("application"), dict) else data
        yield RawRow(n, data={mapping.get(k, k): v for k, v in data.items()})
