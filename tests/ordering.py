"""`pytest --test-order=reverse|shuffle[:SEED]`: run the tests in another order, to find tests that
depend on the ones before them (state left in module globals, caches, the environment or the
database). Modules move as wholes and their tests are reordered within them, as pytest-randomly
does, so module-scoped fixtures (a cloned database) are still set up once per module."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def parse_order(value: str) -> tuple[str, int | None]:
    """("given" | "reverse" | "shuffle", seed); a shuffle without a seed gets a random one."""
    kind, _, seed = value.partition(":")
    if kind not in ("given", "reverse", "shuffle") or (seed and (kind != "shuffle" or not seed.isdigit())):
        raise ValueError(f"--test-order must be given, reverse, shuffle or shuffle:SEED, not {value!r}")
    if kind != "shuffle":
        return kind, None
    return kind, int(seed) if seed else random.SystemRandom().randrange(10**6)


def reorder(items: Sequence[T], module_of: dict[int, str], kind: str, seed: int | None) -> list[T]:
    """`items` (pytest's collected tests; `module_of` maps id(item) to its module) in the `kind` order."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(module_of[id(item)], []).append(item)
    modules = list(groups)
    if kind == "given":
        return list(items)
    if kind == "reverse":
        return [item for module in reversed(modules) for item in reversed(groups[module])]
    rng = random.Random(seed)
    rng.shuffle(modules)
    out: list[T] = []
    for module in modules:
        tests = list(groups[module])
        rng.shuffle(tests)
        out.extend(tests)
    return out
