"""Reading batch files: formats, a missing column, junk rows and oversized lines never stop the file."""

from __future__ import annotations

import gzip
import json

import pytest

from agents.batch.reader import MAX_LINE_BYTES, BatchFileError, read_rows
from agents.batch.runner import parse_rows
from tests.agents.support import BASE

pytestmark = pytest.mark.unit


def _jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_a_file_that_is_not_csv_or_jsonl_is_refused_with_what_to_give(tmp_path):
    path = tmp_path / "apps.xlsx"
    path.write_bytes(b"PK\x03\x04 not a batch")
    with pytest.raises(BatchFileError, match="not a CSV or JSON Lines file"):
        list(read_rows(path))


def test_a_csv_missing_a_required_column_is_refused_before_any_row(tmp_path):
    path = tmp_path / "apps.csv"
    columns = [c for c in BASE if c != "credit_score"]
    path.write_text(",".join(columns) + "\n" + ",".join(str(BASE[c]) for c in columns) + "\n")
    with pytest.raises(BatchFileError, match=r"missing column\(s\): credit_score"):
        parse_rows(path, source="application")


def test_junk_rows_are_refused_with_row_and_field_and_good_rows_still_parse(tmp_path):
    path = _jsonl(
        tmp_path / "apps.jsonl",
        [
            BASE,
            "{not json",
            [1, 2, 3],
            {**BASE, "credit_score": 9000},
            {**BASE, "loan_amount": "lots"},
            json.loads("[" * 20 + "1" + "]" * 20),
            {**BASE, "applicant_name": "Second good row"},
        ],
    )
    valid, refused, total = parse_rows(path, source="application")
    assert total == 7 and [n for n, _, _ in valid] == [1, 7]
    errors = {r["row"]: r["errors"] for r in refused}
    assert errors[2]["row"].startswith("is not valid JSON")
    assert errors[3] == {"row": "must be a JSON object of field names and values"}
    assert set(errors[4]) == {"credit_score"} and "between 300 and 850" in errors[4]["credit_score"]
    assert set(errors[5]) == {"loan_amount"}
    assert "nested more than" in errors[6]["row"]


def test_a_100_mb_line_is_refused_alone_without_being_held_in_memory(tmp_path):
    path = tmp_path / "apps.jsonl"
    with path.open("w") as f:
        f.write(json.dumps(BASE) + "\n")
        f.write('{"applicant_name": "' + "x" * 100_000_000 + '"}\n')
        f.write(json.dumps({**BASE, "applicant_name": "After the long line"}) + "\n")
    valid, refused, _ = parse_rows(path, source="application")
    assert [n for n, _, _ in valid] == [1, 3]
    assert refused == [{"row": 2, "errors": {"row": f"line longer than {MAX_LINE_BYTES // 1_000_000} MB"}}]


def test_csv_cells_are_typed_by_the_schema_and_gzip_is_read(tmp_path):
    path = tmp_path / "apps.csv.gz"
    header = list(BASE)
    with gzip.open(path, "wt") as f:
        f.write(",".join(header) + "\n" + ",".join(str(BASE[c]).lower() for c in header) + "\n")
        f.write(",".join(header) + "\n")  # a repeated header is a row of text in number fields
    valid, refused, _ = parse_rows(path, source="application")
    ((row, application, monitoring),) = valid
    assert application["credit_score"] == 700 and application["first_time_buyer"] is False and monitoring == {}
    assert refused[0]["row"] == 2 and "credit_score" in refused[0]["errors"]


def test_nul_bytes_and_bad_utf8_refuse_the_row_only(tmp_path):
    path = tmp_path / "apps.jsonl"
    path.write_bytes(json.dumps(BASE).encode() + b"\n" + b'{"applicant_name": "a\x00b"}\n' + b"\xff\xfe\n")
    valid, refused, _ = parse_rows(path, source="application")
    assert len(valid) == 1 and [r["row"] for r in refused] == [2, 3]
