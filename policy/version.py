"""The version of a policy a decision obeys: one hash over the rulebook, the requirement inventory, the
reference tables, the corpus version and the engine's own code, so "replay under the policy of the day"
can be proven, not assumed."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from core.settings import PROJECT_ROOT

INVENTORY_PATH = PROJECT_ROOT / "seed_data" / "requirements.json"
REFERENCE_DIR = PROJECT_ROOT / "seed_data" / "reference"
# the code that turns facts and rules into a decision: the engine package and the seven agents
ENGINE_SOURCES = (
    "policy",
    "agents/intake.py",
    "agents/ratio.py",
    "agents/compliance.py",
    "agents/policy.py",
    "agents/underwriting.py",
    "agents/decision.py",
    "agents/audit.py",
)


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A hash of the engine's source files (read once per process: the code does not change under it)."""
    files: list[Path] = []
    for name in ENGINE_SOURCES:
        path = PROJECT_ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return _digest(files)


@lru_cache(maxsize=1)
def tables_version() -> str:
    """A hash of the requirement inventory and every reference table (county limits, residual income...)."""
    return _digest([INVENTORY_PATH, *(p for p in REFERENCE_DIR.rglob("*") if p.is_file())])


def policy_version(*, rulebook_hash: str, corpus_version: str) -> str:
    """16 hex characters naming exactly the policy a decision used."""
    parts = f"rulebook={rulebook_hash};tables={tables_version()};corpus={corpus_version};engine={engine_version()}"
    return hashlib.sha256(parts.encode()).hexdigest()[:16]


def version_parts(*, rulebook_hash: str, corpus_version: str) -> dict[str, str]:
    """What the policy version is made of, for the auditor's page."""
    return {
        "rulebook": rulebook_hash,
        "inventory and reference tables": tables_version(),
        "corpus": corpus_version,
        "engine": engine_version(),
    }
