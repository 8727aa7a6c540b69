"""CLI: ingest policy PDFs with a progress bar and a per-document summary.

    python -m rag.ingest [PATH ...]     (default: the seed corpus in POLICY_DIR)
    python -m rag.ingest seed_data/regulations          (the regulations development corpus)
    python -m rag.ingest guide.pdf --version 4.2 --effective-date 2026-03-01

Exit code 0 when every file went in (or was unchanged), 1 when any file failed, 2 on usage
or setup errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from core.errors import LoanGraphError
from core.settings import get_settings
from rag.ingest.service import corpus_stats, expand_paths, ingest_paths


def main(argv: Sequence[str] | None = None) -> int:
    from tqdm import tqdm

    from core.db import get_sessionmaker
    from rag.embeddings import build_ingest_embedder

    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m rag.ingest", description="Ingest policy PDFs into the knowledge base."
    )
    parser.add_argument("paths", nargs="*", type=Path, help=f"PDF files or folders (default {settings.policy_dir})")
    parser.add_argument("--version", help="version label, when the document does not state it (applies to every file)")
    parser.add_argument("--effective-date", type=date.fromisoformat, help="YYYY-MM-DD, overrides the document's own")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    paths = args.paths or [settings.policy_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    try:
        factory, embedder = get_sessionmaker(), build_ingest_embedder(settings)
    except LoanGraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar = tqdm(total=len(expand_paths(paths)), unit="file", desc="ingesting")

    def progress(done: int, total: int, path: Path) -> None:
        bar.n = done
        bar.set_postfix_str(path.name)
        bar.refresh()

    reports = ingest_paths(
        paths,
        session_factory=factory,
        embedder=embedder,
        settings=settings,
        progress=progress,
        version=args.version,
        effective_date=args.effective_date,
    )
    bar.close()
    for report in reports:
        print(report.line())
    with factory() as session:
        stats = corpus_stats(session=session)
    print(
        f"knowledge base: {stats['documents']} documents, {stats['pages']} pages, {stats['chunks']} chunks "
        f"(plus {stats['superseded_versions']} superseded versions kept)"
    )
    return 1 if any(r.status == "failed" for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
