"""`python -m policy draft PDF_OR_DIR... [--out FILE] [--json]`: a rulebook proposed from a guide's PDFs.

Without options it prints a table for a person: each proposal, the slots the guide does not state, and
the guide's threshold sentences that fill no slot. `--json` prints one object; `--out` writes the
proposals as a rulebook (the format of `seed_data/rulebook.json`) for `policy check` and `publish`.
With DRAFT_PROPOSER set to a provider, a model proposes the slots the grammar left empty, each kept only
when its cited passage states its values (`policy.draft_llm`); rejected ones are listed on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError, IngestError
from policy.draft import Draft, Proposal, draft, pdf_paths


def _number(value: Any) -> str:
    return format(value, "f")


def as_json(d: Draft) -> dict[str, Any]:
    """{"documents", "pages", "rules": [...]} plus the slots not stated and the unmatched threshold sentences."""
    return {
        "documents": len(d.documents),
        "pages": d.pages,
        "rules": [_rule_json(p) for p in d.proposals],
        "missing": [s.id for s in d.missing],
        "unmatched": [
            {"document": p.document, "page": p.page, "section": p.section, "sentence": p.text} for p in d.unmatched
        ],
    }


def _main_value(p: Proposal) -> tuple[str | None, str | None]:
    """The slot's "value" (else its first value); None for a slot that states no number."""
    if not p.values:
        return None, None
    name = "value" if "value" in p.values else next(iter(p.values))
    number, unit = p.values[name]
    return _number(number), unit


def _rule_json(p: Proposal) -> dict[str, Any]:
    value, unit = _main_value(p)
    return {
        "id": p.slot.id,
        "kind": p.slot.kind,
        "program": p.slot.program,
        "value": value,
        "unit": unit,
        "values": {n: {"number": _number(v), "unit": u} for n, (v, u) in p.values.items()},
        "conditions": {k: list(v) for k, v in p.slot.conditions.items()},
        "stated_conditions": {k: list(v) for k, v in p.conditions.items()},
        "document": p.passage.document,
        "page": p.passage.page,
        "section": p.passage.section,
        "sentence": p.sentence,
        "confidence": p.confidence,
        "source": p.source,
    }


def as_rulebook(d: Draft, name: str) -> dict[str, Any]:
    """The proposals in the rulebook format; each keeps its slot's id, label, reason and query."""
    return {
        "about": "Drafted by `python -m policy draft` from "
        + ", ".join(doc.name for doc in d.documents)
        + ": every value must be checked by a person against its citation before publishing.",
        "name": name,
        "rules": [
            {
                "id": p.slot.id,
                "program": p.slot.program,
                "kind": p.slot.kind,
                "label": p.slot.label,
                "values": {n: {"number": _number(v), "unit": u} for n, (v, u) in p.values.items()},
                "conditions": {k: list(v) for k, v in p.slot.conditions.items()},
                "citation": {
                    "document": p.passage.document,
                    "page": p.passage.page,
                    "section": p.passage.section,
                    "sentence": p.sentence,
                },
                "reason_family": p.slot.reason_family,
                "adverse_reason": p.slot.adverse_reason,
                "query": p.slot.query,
                "confidence": p.confidence,
                "source": p.source,
            }
            for p in d.proposals
        ],
    }


def as_text(d: Draft) -> str:
    lines = [
        f"{len(d.documents)} documents, {d.pages} pages: {len(d.proposals)} rules proposed, "
        f"{len(d.missing)} slots not stated, {len(d.unmatched)} threshold sentences fill no slot"
    ]
    for p in d.proposals:
        values = ", ".join(f"{n}={_number(v)} {u}" for n, (v, u) in p.values.items())
        by = " by the model, checked" if p.source == "llm" else ""
        lines.append(f"  {p.slot.id:45} {values:40} {p.passage.document} p.{p.passage.page} ({p.confidence:.2f}{by})")
    lines.append("Not stated (no proposal):")
    lines += [f"  {s.id}" for s in d.missing]
    lines.append("Threshold sentences that fill no slot (for a person to read):")
    lines += [f"  {p.document} p.{p.page}: {p.text}" for p in d.unmatched]
    if d.valueless:
        lines.append(
            f"{len(d.valueless)} slots state no number (eligibility lists, prohibited bases); "
            "they are not drafted: copy them by hand."
        )
    return "\n".join(lines)


def with_proposer(result: Draft) -> tuple[Draft, list]:
    """The draft with DRAFT_PROPOSER's model filling the slots the grammar missed (checked), if one is set."""
    from core.settings import get_settings

    settings = get_settings()
    if settings.draft_proposer == "none" or not result.missing:
        return result, []
    from core.llm.router import build_client
    from policy.draft_llm import fill_missing

    return fill_missing(result, build_client(settings.draft_proposer, settings), timeout_s=settings.llm_timeout_s)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy draft", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="policy PDFs or folders of them")
    parser.add_argument("--out", type=Path, help="write the proposals as a rulebook JSON file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--name", default="Drafted rulebook", help="the rulebook's name (with --out)")
    args = parser.parse_args(argv)
    try:
        paths = pdf_paths(args.paths)
        if not paths:
            raise FileNotFoundError(f"no PDF in {', '.join(args.paths)}")
        result = draft(paths)
    except (FileNotFoundError, IngestError) as exc:
        sys.stderr.write(f"policy draft: {exc}\n")
        return 1
    try:
        result, rejected = with_proposer(result)
    except ConfigurationError as exc:
        sys.stderr.write(f"policy draft: the draft proposer is misconfigured: {exc}\n")
        return 2
    for r in rejected:
        sys.stderr.write(f"policy draft: model proposal for {r.slot_id} rejected: {r.why}\n")
    if args.out:
        args.out.write_text(json.dumps(as_rulebook(result, args.name), indent=1) + "\n", encoding="utf-8")
    sys.stdout.write((json.dumps(as_json(result)) if args.json else as_text(result)) + "\n")
    return 0
