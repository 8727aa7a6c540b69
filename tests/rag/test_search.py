"""`python -m rag.search`: JSON results best first with citations and trace; readable stage tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.settings import PROJECT_ROOT
from rag.search.__main__ import render_text, result_to_json

pytestmark = pytest.mark.integration


def test_cli_json_lists_results_best_first_with_citations_and_trace(seeded_engine, settings):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": "lg_seeded", "DATABASE_URL": ""}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rag.search",
            "How many months of reserves does a jumbo loan require?",
            "--json",
            "-k",
            "3",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    results = data["results"]
    assert len(results) == 3
    assert {"text", "doc_name", "page_num", "section", "score"} <= results[0].keys()
    assert (results[0]["doc_name"], results[0]["page_num"]) == ("Jumbo Portfolio Loan Program Guide", 5)
    assert "12 months of PITI" in results[0]["text"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    stages = [s["stage"] for s in data["trace"]["stages"]]
    assert stages[0] == "rewrite" and stages[-3:] == ["rrf", "mmr", "rerank"]
    assert [r["chunk_id"] for r in data["trace"]["results"]] == [r["chunk_id"] for r in results]


def test_cli_refuses_an_empty_query(settings):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": "lg_seeded", "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "rag.search", "  "],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "empty query" in done.stderr


def test_human_output_has_a_table_per_stage(retriever):
    result = retriever.retrieve("PITI reserves for a jumbo loan", k=2)
    text = render_text(result, limit=3)
    variants = result.trace.stages[0].variants
    assert text.count("\n== dense [") == len(variants) == text.count("\n== bm25 [")
    for header in ("== rewrite:", "== rrf:", "== mmr:", "== rerank (none):", "== results"):
        assert header in text
    assert "rank      score      id  document" in text and "... 17 more" in text
    assert json.loads(json.dumps(result_to_json(result)))["results"][0]["rank"] == 1


def test_cli_takes_a_query_with_bytes_that_are_not_utf8(seeded_engine, settings):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": "lg_seeded", "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"rag.search", b"DTI \xff limit", b"--json", b"-k", b"2"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert json.loads(done.stdout)["query"] == "DTI \ufffd limit"
