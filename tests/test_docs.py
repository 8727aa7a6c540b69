"""The README stays a short front door: at most 300 lines, every relative link in it, CHANGELOG.md and docs/
resolving to a file or folder of the checkout, and no "issue N" headings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

LINK = re.compile(r"\]\(([^)\s]+)\)")
DOCS = [
    PROJECT_ROOT / "README.md",
    PROJECT_ROOT / "CHANGELOG.md",
    PROJECT_ROOT / "agents" / "README.md",
    *sorted((PROJECT_ROOT / "docs").rglob("*.md")),
]


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_the_readme_is_short():
    assert len((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 300


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_relative_link_resolves(path):
    broken = [t for t in relative_links(path) if not (path.parent / t.split("#")[0]).exists()]
    assert not broken, f"{path.relative_to(PROJECT_ROOT)}: {broken}"


def test_no_issue_headings_in_the_readme_or_docs():
    headings = [
        (p.name, line)
        for p in DOCS
        if "history" not in p.parts
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("#") and re.search(r"\bissue \d+", line, re.IGNORECASE)
    ]
    assert not headings
