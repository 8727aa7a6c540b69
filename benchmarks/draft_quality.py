"""Drafting a rulebook from a guide: precision and recall against a ground truth, and draft time.

    python benchmarks/draft_quality.py [--pages 1000] [--skip-timing]

Corpora: another lender's guide written for this test (seed_data/lenders/keystone_valley, its
ground_truth.json written by hand before the drafter ran), our own corpus (seed_data/policies against
the values our rulebook holds, seed_data/rulebook.json), and the Reg X / Reg C development corpus (no
ground truth: what it proposes is listed). A proposal is right when its slot is in the truth and every
value equals the truth's; recall counts the truth's slots proposed right. Timing: one generated document
of --pages pages (the ingest benchmark's generator, our corpus's own sentences), drafted end to end (PDF
parse included).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine_line, print_table  # noqa: E402
from core.settings import PROJECT_ROOT  # noqa: E402
from policy.draft import Draft, draft, pdf_paths  # noqa: E402

LENDER = PROJECT_ROOT / "seed_data" / "lenders" / "keystone_valley"
POLICIES = PROJECT_ROOT / "seed_data" / "policies"
REGULATIONS = PROJECT_ROOT / "seed_data" / "regulations"
RULEBOOK = PROJECT_ROOT / "seed_data" / "rulebook.json"


def lender_truth() -> dict[str, dict[str, Decimal]]:
    rules = json.loads((LENDER / "ground_truth.json").read_text())["rules"]
    return {sid: {n: Decimal(v["number"]) for n, v in r["values"].items()} for sid, r in rules.items()}


def seed_truth() -> dict[str, dict[str, Decimal]]:
    """Our rulebook's values (each verified against our PDFs by `policy check`)."""
    rules = json.loads(RULEBOOK.read_text())["rules"]
    return {r["id"]: {n: Decimal(v["number"]) for n, v in r["values"].items()} for r in rules if r.get("values")}


def lender_statements() -> dict[str, tuple[str, str]]:
    rules = json.loads((LENDER / "ground_truth.json").read_text())["statements"]
    return {sid: (r["document"], r["phrase"]) for sid, r in rules.items()}


def seed_statements() -> dict[str, tuple[str, str]]:
    """Our rules that state no number: the document and the sentence each cites."""
    rules = json.loads(RULEBOOK.read_text())["rules"]
    return {r["id"]: (r["citation"]["document"], r["citation"]["sentence"]) for r in rules if not r.get("values")}


def score_statements(result: Draft, truth: dict[str, tuple[str, str]]) -> tuple[list, list[str]]:
    """A statement proposal is right when it cites the truth's document and a sentence holding its phrase
    (or held by it: a pattern may read part of a sentence, a list item the whole)."""
    proposals = [p for p in result.proposals if not p.values]
    right, notes = 0, []
    for p in proposals:
        doc, phrase = truth.get(p.slot.id, (None, ""))
        if doc == p.passage.document and (phrase in p.sentence or p.sentence in phrase):
            right += 1
        else:
            notes.append(
                f"{p.slot.id}: cites {p.passage.document} p.{p.passage.page} '{p.sentence[:80]}'"
                + ("" if doc else " (not in the truth)")
            )
    missed = [s for s in truth if s not in {p.slot.id for p in proposals}]
    row = [
        len(truth),
        len(proposals),
        right,
        len(proposals) - right,
        len(missed),
        f"{right / len(proposals):.3f}" if proposals else "-",
        f"{right / len(truth):.3f}" if truth else "-",
    ]
    return row, notes + [f"{s}: missed" for s in missed]


def score(result: Draft, truth: dict[str, dict[str, Decimal]]) -> tuple[list, list[str]]:
    right, wrong, extra = 0, [], []
    numbered = [p for p in result.proposals if p.values]
    for p in numbered:
        values = {n: v for n, (v, _) in p.values.items()}
        if p.slot.id not in truth:
            extra.append(p.slot.id)
        elif values == truth[p.slot.id]:
            right += 1
        else:
            wrong.append(f"{p.slot.id}: {values} != {truth[p.slot.id]}")
    proposed = len(numbered)
    missed = [s for s in truth if s not in {p.slot.id for p in numbered}]
    row = [
        len(truth),
        proposed,
        right,
        len(wrong),
        len(extra),
        len(missed),
        f"{right / proposed:.3f}" if proposed else "-",
        f"{right / len(truth):.3f}" if truth else "-",
    ]
    return row, wrong + [f"{s}: not in the truth" for s in extra] + [f"{s}: missed" for s in missed]


def timing(pages: int) -> tuple[int, float, int]:
    from benchmarks.ingest import generate_corpus, seed_headings, seed_sentences

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate_corpus(
            Path(tmp), seed_sentences(POLICIES), seed_headings(POLICIES), pages, pages_per_doc=pages
        )
        start = time.perf_counter()
        result = draft(paths)
        return result.pages, time.perf_counter() - start, len(result.proposals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    print(machine_line())
    rows, notes, gate_rows, gate_notes = [], {}, [], {}
    for name, folder, truth, gates in (
        ("keystone_valley (other lender)", LENDER, lender_truth(), lender_statements()),
        ("seed_data/policies (ours)", POLICIES, seed_truth(), seed_statements()),
    ):
        start = time.perf_counter()
        result = draft(pdf_paths([str(folder)]))
        seconds = time.perf_counter() - start
        row, notes[name] = score(result, truth)
        rows.append([name, result.pages, *row, f"{seconds:.2f}"])
        gate_row, gate_notes[name] = score_statements(result, gates)
        gate_rows.append([name, *gate_row])
    print("Rules with numbers (a proposal is right when every value equals the truth's):")
    print_table(
        [
            "corpus",
            "pages",
            "truth slots",
            "proposed",
            "right",
            "wrong value",
            "extra",
            "missed",
            "precision",
            "recall",
            "seconds",
        ],
        rows,
    )
    for name, lines in notes.items():
        for line in lines:
            print(f"  {name}: {line}")
    print("\nRules without a number (eligibility gates; right = the truth's document and sentence):")
    print_table(["corpus", "truth slots", "proposed", "right", "wrong", "missed", "precision", "recall"], gate_rows)
    for name, lines in gate_notes.items():
        for line in lines:
            print(f"  {name}: {line}")
    regs = draft(pdf_paths([str(REGULATIONS)]))
    print(
        f"\nReg X / Reg C ({len(regs.documents)} documents, {regs.pages} pages): {len(regs.proposals)} proposals, "
        f"{len(regs.unmatched)} threshold sentences fill no slot; with numbers:"
    )
    for p in [p for p in regs.proposals if p.values]:
        print(
            f"  {p.slot.id} {dict((n, str(v)) for n, (v, _) in p.values.items())} {p.passage.document} "
            f"p.{p.passage.page} ({p.confidence}): {p.sentence[:140]}"
        )
    for p in [p for p in regs.proposals if not p.values]:
        print(f"  without a number: {p.slot.id} {p.passage.document} p.{p.passage.page}: {p.sentence[:140]}")
    if not args.skip_timing:
        pages, seconds, proposals = timing(args.pages)
        print(
            f"\ndraft of one generated {pages}-page document: {seconds:.1f} s ({pages / seconds:.0f} pages/s), "
            f"{proposals} proposals"
        )


if __name__ == "__main__":
    main()
