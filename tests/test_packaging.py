"""Packaging: requirements.txt is the runtime's pinned list, the same as pyproject's base dependencies,
and every pinned package is used (imported by the project's code, or needed by a named indirect use)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
CODE_DIRS = ("agents", "benchmarks", "core", "dashboard", "pages", "policy", "rag", "seed_data", "tests")
# the module a distribution is imported as, where it is not the name with "-" as "_"
MODULE = {
    "psycopg[binary]": "psycopg",
    "langgraph-checkpoint-postgres": "langgraph",
    "dask[distributed]": "distributed",
}
# pinned but not imported by name: what needs them
INDIRECT = {
    "gguf": "transformers' GGUF loader (agents/distill/base.py, gguf_file=)",
    "onnx": "torch.onnx.export (rag/onnx_embedder.py)",
    "ruff": "the lint step of make test",
    "mypy": "the type check of make test",
}


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"not pinned with ==: {line!r}"
            pins[name.lower()] = version
    return pins


def _requirements() -> dict[str, str]:
    return _pins((PROJECT_ROOT / "requirements.txt").read_text().splitlines())


def _every_pin() -> dict[str, str]:
    pins = _pins(PYPROJECT["project"]["dependencies"])
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        pins |= _pins(extra)
    return pins


def _imported_modules() -> set[str]:
    modules = set()
    for folder in CODE_DIRS:
        for path in Path(PROJECT_ROOT, folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
    return modules


def test_requirements_txt_is_pyprojects_base_install():
    assert _requirements() == _pins(PYPROJECT["project"]["dependencies"])


def test_extras_are_not_in_the_base_install():
    base = _requirements()
    for extra, deps in PYPROJECT["project"]["optional-dependencies"].items():
        assert not set(_pins(deps)) & set(base), extra


def test_constraints_pin_every_direct_dependency_to_the_same_version():
    constraints = _pins((PROJECT_ROOT / "constraints.txt").read_text().splitlines())
    normal = {re.sub(r"[-_.]+", "-", k): v for k, v in constraints.items()}
    for name, version in _every_pin().items():
        bare = re.sub(r"[-_.]+", "-", name.split("[")[0])
        assert normal.get(bare) == version, name


def test_every_pinned_package_is_imported_or_named_as_an_indirect_use():
    imported = _imported_modules()
    dead = [
        name
        for name in _every_pin()
        if name not in INDIRECT and MODULE.get(name, name.replace("-", "_")) not in imported
    ]
    assert dead == []
