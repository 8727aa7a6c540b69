"""The evaluation set: questions with a reference answer and the pages (and verbatim passages) that support it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import LoanGraphError
from core.settings import PROJECT_ROOT

DEFAULT_DATASET = PROJECT_ROOT / "seed_data" / "loan_eval_dataset.json"
# The only folder a dataset named in the dashboard may come from (the server's other files are not its to read).
DATASETS_DIR = PROJECT_ROOT / "seed_data"


def dataset_in_project(name: str) -> Path:
    """The eval set a dashboard user named: a .json file under DATASETS_DIR, symlinks and `..` resolved;
    anything else is refused with LoanGraphError, before any file is opened."""
    root = DATASETS_DIR.resolve()
    given = Path(name.strip())
    path = (given if given.is_absolute() else PROJECT_ROOT / given).resolve()
    if not path.is_relative_to(root) or path.suffix != ".json":
        shown = root.relative_to(PROJECT_ROOT.resolve()) if root.is_relative_to(PROJECT_ROOT.resolve()) else root
        raise LoanGraphError(f"the eval set must be a .json file under {shown}/")
    return path


@dataclass(frozen=True)
class Reference:
    """A supporting passage: the document, its 1-based page and section, and the verbatim context."""

    doc_name: str
    file_name: str
    page_num: int
    section: str
    context: str


@dataclass(frozen=True)
class EvalQuestion:
    """Unanswerable questions (`answerable=False`) have no references; see rag.evaluation.runner for how they score."""

    id: str
    question: str
    kind: str
    answerable: bool
    ground_truth: str
    references: tuple[Reference, ...]


def load_dataset(path: Path | str = DEFAULT_DATASET) -> list[EvalQuestion]:
    """Read an eval set file ({"questions": [...]} as in seed_data/loan_eval_dataset.json)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [_question(q) for q in raw["questions"]]
    except FileNotFoundError as exc:
        raise LoanGraphError(f"eval dataset not found: {path}") from exc
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise LoanGraphError(f"eval dataset {path} is not in the expected format: {exc}") from exc


def _question(q: dict) -> EvalQuestion:
    refs = tuple(
        Reference(r["doc_name"], r.get("file_name", ""), int(r["page_num"]), r.get("section", ""), r.get("context", ""))
        for r in q.get("references") or ()
    )
    answerable = bool(q.get("answerable", True))
    if answerable and not refs:
        raise ValueError(f"question {q['id']} is answerable but has no references")
    return EvalQuestion(str(q["id"]), q["question"], q.get("kind", ""), answerable, q.get("ground_truth", ""), refs)
