"""`pytest --test-order`: modules move as wholes, their tests reorder within them, a seed repeats a shuffle."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.settings import PROJECT_ROOT
from tests.ordering import parse_order, reorder

ITEMS = ["a::1", "a::2", "a::3", "b::1", "b::2", "c::1", "c::2", "c::3", "c::4"]
MODULES = {id(item): item.partition("::")[0] for item in ITEMS}


def module_runs(items: list[str]) -> list[str]:
    """The modules in the order they run, one entry per contiguous stretch."""
    runs: list[str] = []
    for item in items:
        module = item.partition("::")[0]
        if not runs or runs[-1] != module:
            runs.append(module)
    return runs


@pytest.mark.unit
def test_reverse_reverses_modules_and_the_tests_in_them():
    assert reorder(ITEMS, MODULES, "reverse", None) == list(reversed(ITEMS))
    assert reorder(ITEMS, MODULES, "given", None) == ITEMS


@pytest.mark.unit
def test_a_shuffle_keeps_each_module_together_and_repeats_with_its_seed():
    orders = {tuple(reorder(ITEMS, MODULES, "shuffle", seed)) for seed in range(20)}
    assert len(orders) > 10  # it does shuffle
    for order in orders:
        assert sorted(order) == sorted(ITEMS) and sorted(module_runs(list(order))) == ["a", "b", "c"]
    assert reorder(ITEMS, MODULES, "shuffle", 7) == reorder(ITEMS, MODULES, "shuffle", 7)


@pytest.mark.unit
def test_the_option_is_parsed_strictly():
    assert parse_order("reverse") == ("reverse", None) and parse_order("shuffle:42") == ("shuffle", 42)
    kind, seed = parse_order("shuffle")
    assert kind == "shuffle" and isinstance(seed, int)
    for bad in ("random", "reverse:3", "shuffle:x"):
        with pytest.raises(ValueError, match="--test-order"):
            parse_order(bad)


@pytest.mark.integration
def test_pytest_runs_the_collected_tests_in_the_asked_order(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--test-order=reverse", "-p", "no:cacheprovider"]
        + [f"--basetemp={tmp_path / 'bt'}", "tests/test_ordering.py"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    collected = [line for line in done.stdout.splitlines() if line.startswith("tests/test_ordering.py::")]
    assert done.returncode == 0, done.stdout[-2000:]
    assert collected and collected[0].endswith("test_pytest_runs_the_collected_tests_in_the_asked_order")
    assert collected[-1].endswith("test_reverse_reverses_modules_and_the_tests_in_them")
