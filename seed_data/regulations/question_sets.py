"""What the regulations question-set builders share (build_dev_set.py, build_blind_set.py): the rendered
PDFs parsed as ingestion parses them, where a verbatim passage sits (page and heading), and the records and
file they write."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from core.text import normalise, normalise_with_offsets  # noqa: E402
from rag.pdf import parse_pdf  # noqa: E402

FILES = {"x": "regulation_x_12cfr1024.pdf", "c": "regulation_c_12cfr1003.pdf"}
NOT_SAID = "The regulations do not say."


def parsed_files() -> dict[str, tuple[str, Any]]:
    """Regulation key -> (file name, parsed document)."""
    return {
        key: (name, parse_pdf((HERE / name).read_bytes(), fallback_name=Path(name).stem)) for key, name in FILES.items()
    }


def locate(doc, context: str) -> tuple[int, str]:
    """(page, heading) of the first body-page occurrence of `context`: the last heading (outline entry or
    CFR paragraph designation) that starts before it. ValueError if the passage is absent."""
    wanted = normalise(context)
    for i, page in enumerate(doc.pages):
        if doc.kind_of(i) != "body":
            continue
        flat, offsets = normalise_with_offsets(page.text)
        at = flat.find(wanted)
        if at < 0:
            continue
        probe = doc.page_starts[i] + offsets[at]
        before = [h for h in doc.headings if h.offset <= probe]
        return page.page_num, before[-1].label if before else ""
    raise ValueError(f"passage not found: {context[:70]!r}")


def answerable(qid: str, question: str, kind: str, truth: str, file: tuple[str, Any], context: str) -> dict[str, Any]:
    """One answerable question with its reference located in `file` (name, parsed document)."""
    name, doc = file
    page, section = locate(doc, context)
    reference = {
        "doc_name": doc.meta.doc_name,
        "file_name": name,
        "page_num": page,
        "section": section,
        "context": normalise(context),
    }
    return {
        "id": qid,
        "question": question,
        "kind": kind,
        "answerable": True,
        "ground_truth": truth,
        "references": [reference],
    }


def unanswerable(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "id": qid,
            "question": q,
            "kind": "unanswerable",
            "answerable": False,
            "ground_truth": NOT_SAID,
            "references": [],
        }
        for qid, q in pairs
    ]


def write_set(out: Path, description: str, questions: list[dict[str, Any]]) -> None:
    body = {"version": "1.0", "description": description, "questions": questions}
    out.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
