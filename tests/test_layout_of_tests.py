"""Test modules stand alone: no module under tests/ imports a `test_*` module (shared helpers live in a package's
support.py or conftest.py), so running, moving or deleting one test file never changes another's behaviour."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

TESTS = PROJECT_ROOT / "tests"


def imported_modules(path: Path, project: Path) -> list[tuple[int, str]]:
    """(line, dotted module) for every import in the file, at any depth, relative ones resolved; for
    `from package import name` both the package and `package.name` (the name may be a module)."""
    package = list(path.relative_to(project).parent.parts)
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def is_test_module(dotted: str, project: Path) -> bool:
    parts = dotted.split(".")
    return (
        parts[0] == "tests"
        and parts[-1].startswith("test_")
        and project.joinpath(*parts[:-1], f"{parts[-1]}.py").is_file()
    )


def imports_of_test_modules(tests: Path) -> list[str]:
    """'path:line imports tests.x.test_y' for each import of a test module by any module under `tests`."""
    project = tests.parent
    return [
        f"{path.relative_to(project)}:{line} imports {dotted}"
        for path in sorted(tests.rglob("*.py"))
        for line, dotted in imported_modules(path, project)
        if is_test_module(dotted, project)
    ]


def test_no_module_under_tests_imports_a_test_module():
    offenders = imports_of_test_modules(TESTS)
    assert not offenders, "move the shared helper into the package's support.py or conftest.py:\n" + "\n".join(
        offenders
    )


def test_the_check_sees_every_form_of_import(tmp_path):
    """The checker itself: absolute, relative, module-as-name and nested imports of a test module are caught."""
    root = tmp_path / "tests"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "test_a.py").write_text("X = 1\n")
    (root / "pkg" / "support.py").write_text("Y = 2\n")
    (root / "pkg" / "test_b.py").write_text(
        "from tests.pkg.support import Y\n"  # fine: a support module
        "from tests.pkg.test_a import X\n"  # 2
        "from . import test_a\n"  # 3
        "from .test_a import X\n"  # 4
        "import tests.pkg.test_a\n"  # 5
        "def f():\n    from tests.pkg import test_a\n"
    )  # 7
    lines = [o.split(":")[1].split(" ")[0] for o in imports_of_test_modules(root)]
    assert sorted(set(lines), key=int) == ["2", "3", "4", "5", "7"]
