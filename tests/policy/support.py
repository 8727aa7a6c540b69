"""Helpers shared by the rulebook-draft tests: a one-file guide written for a test, rendered to PDF."""

from __future__ import annotations

from pathlib import Path

from seed_data.lenders.render import render

HEAD = """doc: {doc}
title: Test Lending Manual
version: 1.0
effective: 2026-02-01
programs: {programs}
summary: A manual written for a test.
===
Chapter 1 Scope
I.A Authority
The Board adopts this manual and the Credit Committee interprets it.
"""


def guide(tmp_path: Path, body: str, *, doc: str = "manual", programs: str = "conventional, jumbo") -> Path:
    """A rendered one-file guide: cover page 1, Chapter 1 on page 2, the body's chapters after it."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / f"{doc}.txt").write_text(HEAD.format(doc=doc, programs=programs) + body, encoding="utf-8")
    return render(src / f"{doc}.txt", "Test Credit Union")
