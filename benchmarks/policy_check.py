"""`policy check` on a large corpus: seconds to load the stored text and verify every rule and inventory sentence.

    python benchmarks/policy_check.py [--pages 1000]

A benchmark database holds our seed corpus plus one generated document of --pages pages (the ingest
benchmark's generator: our corpus's own sentences under running headers). Two checks are timed, each
end to end as `python -m policy check` does it (the corpus read from the database, then verified):
- our rulebook against the seed corpus plus the long document (inventory sentences included);
- the rulebook `policy draft` proposes from the long document, checked against it: every rule cites the
  1,000-page document, so each verification scans the whole of it (the worst case).
Ingest time is not part of the figure (see benchmarks/ingest.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import sessionmaker  # noqa: E402

from benchmarks.common import bench_engine, machine_line, print_table  # noqa: E402
from benchmarks.ingest import generate_corpus, seed_headings, seed_sentences  # noqa: E402
from core.settings import get_settings  # noqa: E402
from policy.check import check_policy  # noqa: E402
from policy.corpus import load_corpus  # noqa: E402
from policy.draft import draft  # noqa: E402
from policy.draft_cli import as_rulebook  # noqa: E402
from policy.inventory.entries import load_inventory  # noqa: E402
from policy.rules import load_rules, rules_from_data  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402


def timed_check(factory, rules, inventory) -> tuple[float, float, dict[str, int], int]:
    """(seconds to load the corpus, seconds to check, rule counts by status, inventory sentences found)."""
    start = time.perf_counter()
    with factory() as session:
        corpus = load_corpus(session=session)
    loaded = time.perf_counter()
    report = check_policy(rules, corpus, inventory)
    done = time.perf_counter()
    return loaded - start, done - loaded, report.counts(), sum(s.found for s in report.sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    settings = get_settings()
    print(machine_line())
    engine = bench_engine("lg_bench_policy_check")
    factory = sessionmaker(bind=engine)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate_corpus(
            Path(tmp),
            seed_sentences(settings.policy_dir),
            seed_headings(settings.policy_dir),
            args.pages,
            pages_per_doc=args.pages,
        )
        start = time.perf_counter()
        ingest_paths([settings.policy_dir, *paths], session_factory=factory, settings=settings, embedder=get_embedder())
        print(f"ingested the seed corpus and {args.pages} generated pages in {time.perf_counter() - start:.0f} s")
        drafted = rules_from_data(as_rulebook(draft(paths), "drafted from the long document")["rules"])
    inventory = load_inventory()
    for label, rules, inv in (
        ("our rulebook + inventory, seed corpus + long document", load_rules(), inventory),
        (f"drafted rulebook citing the {args.pages}-page document", drafted, None),
    ):
        load_s, check_s, counts, found = timed_check(factory, rules, inv)
        status = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        rows.append(
            [
                label,
                len(rules),
                status,
                found if inv else "-",
                f"{load_s:.1f}",
                f"{check_s:.1f}",
                f"{load_s + check_s:.1f}",
            ]
        )
    print_table(["check", "rules", "rule statuses", "inventory sentences found", "load s", "verify s", "total s"], rows)
    engine.dispose()


if __name__ == "__main__":
    main()
