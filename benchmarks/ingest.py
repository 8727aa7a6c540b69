"""Ingestion throughput: pages/s and chunks/s for the seed corpus and a generated corpus.

    python benchmarks/ingest.py [--pages 1000]

Runs in its own database (`lg_bench_ingest`) on the configured server; the app's data is untouched.
The generated corpus reuses the seed corpus's own sentences, laid out as numbered sections on
pages with running headers, so parsing and chunking see realistic text.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from benchmarks.common import bench_engine, machine_line, print_table  # noqa: E402
from core.settings import get_settings  # noqa: E402
from rag.chunking import chunk_document  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402
from rag.ingest import expand_paths, ingest_paths  # noqa: E402
from rag.pdf import parse_pdf  # noqa: E402
from tests.pdf_factory import write_policy_pdf  # noqa: E402


def seed_sentences(policy_dir: Path) -> list[str]:
    text = " ".join(p.extract_text() or "" for f in expand_paths([policy_dir]) for p in PdfReader(f).pages)
    return [s for s in re.split(r"(?<=[.])\s+", re.sub(r"\s+", " ", text)) if 8 <= len(s.split()) <= 60]


def seed_headings(policy_dir: Path) -> list[str]:
    """Section titles of the seed corpus, reused as generated headings."""
    text = "\n".join(p.extract_text() or "" for f in expand_paths([policy_dir]) for p in PdfReader(f).pages)
    return sorted({m.group(1) for m in re.finditer(r"^\d+\.\d+ ([A-Z][^\n]{3,60})$", text, re.MULTILINE)})


def generate_corpus(out: Path, sentences: list[str], titles: list[str], pages: int, pages_per_doc: int = 50) -> list[Path]:
    """Documents of `pages_per_doc` pages: one section per page, three titled subsections of prose each."""
    rng = random.Random(7)
    paths = []
    for d in range(-(-pages // pages_per_doc)):
        sections = {}
        for s in range(1, pages_per_doc):  # plus the title page
            subs = []
            for k in range(1, 4):
                subs += [f"{s}.{k} {rng.choice(titles)}", " ".join(rng.sample(sentences, 4))]
            sections[f"{s} {rng.choice(titles)}"] = subs
        paths.append(write_policy_pdf(out / f"generated_{d:03d}.pdf", title=f"Generated Guide {d}", sections=sections))
    return paths


def measure(paths: list[Path], db_name: str) -> tuple[int, int, float, float]:
    """(pages, chunks, parse+chunk seconds, end-to-end ingest seconds)."""
    settings = get_settings()
    started = time.perf_counter()
    for path in paths:
        chunk_document(parse_pdf(path.read_bytes(), fallback_name=path.stem),
                       size=settings.chunk_size, overlap=settings.chunk_overlap)
    parse_s = time.perf_counter() - started
    engine = bench_engine(db_name)
    started = time.perf_counter()
    reports = ingest_paths(paths, session_factory=sessionmaker(bind=engine), embedder=get_embedder(), settings=settings)
    total_s = time.perf_counter() - started
    engine.dispose()
    failed = [r.line() for r in reports if r.status == "failed"]
    if failed:
        raise SystemExit("ingest failed: " + "; ".join(failed))
    return sum(r.pages for r in reports), sum(r.chunks for r in reports), parse_s, total_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages in the generated corpus")
    args = parser.parse_args()
    settings = get_settings()
    get_embedder().embed_documents(["warm up"])  # model load is not ingestion throughput
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {
            "seed corpus": expand_paths([settings.policy_dir]),
            f"generated ({args.pages} pages)": generate_corpus(Path(tmp), seed_sentences(settings.policy_dir),
                                                                    seed_headings(settings.policy_dir), args.pages),
        }
        for label, paths in corpora.items():
            pages, chunks, parse_s, total_s = measure(paths, "lg_bench_ingest")
            rows.append([label, len(paths), pages, chunks, f"{pages / parse_s:.1f}", f"{pages / total_s:.1f}",
                         f"{chunks / total_s:.1f}", f"{total_s:.1f}"])
    print(machine_line())
    print_table(["corpus", "files", "pages", "chunks", "parse+chunk pages/s", "ingest pages/s", "ingest chunks/s",
                 "ingest s"], rows)


if __name__ == "__main__":
    main()
