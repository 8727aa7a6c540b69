"""The house's structure, read from the code's own imports (ast): no import circles among the project's
modules; the dashboard never imports a command-line module; pages open no database session themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

PACKAGES = ("core", "rag", "policy", "agents", "dashboard", "pages")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(p): p for pkg in PACKAGES for p in (PROJECT_ROOT / pkg).rglob("*.py") if "migrations" not in p.parts
    }


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules `path` imports anywhere in it (function-level imports included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        out |= {n for n in names if n in known}
    return out


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    # a package's __init__ re-exporting its members is not a circle of the code that uses it
    return {m: {i for i in imports_of(p, known) if i != m and not m.startswith(i + ".")} for m, p in modules.items()}


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_dashboard_imports_no_command_line_module():
    ui = {m: deps for m, deps in graph().items() if m.split(".")[0] in ("dashboard", "pages")}
    cli = {m: sorted(d for d in deps if d.endswith(("__main__", "_cli", ".cli"))) for m, deps in ui.items()}
    assert {m: d for m, d in cli.items() if d} == {}


def test_pages_open_no_database_session():
    """A page calls the dashboard's functions; none imports SQLAlchemy or holds a `session` of its own."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                offenders += [f"{path.name}: imports {m}" for m in mods if m.startswith("sqlalchemy")]
            if isinstance(node, ast.With):
                offenders += [
                    f"{path.name}:{node.lineno}: with ... as session"
                    for item in node.items
                    if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == "session"
                ]
    assert offenders == []
