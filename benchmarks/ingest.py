"""Ingestion throughput, before and after: pages/s and chunks/s for the seed corpus, a generated
1,000-page corpus, the rendered regulations (Reg X + Reg C, real structure, seed_data/regulations) and
one real document of about 800 dense pages (both regulations with the Bureau's section-by-section
analysis, 3.9 million characters: more text than a 1,182-page agency guide).

    python benchmarks/ingest.py [--pages 1000] [--corpora seed,generated,regulations,long] [--runs today,bf16,after]

Runs in its own database (`lg_bench_ingest`) on the configured server; the app's data is untouched.
"before" = page text from pypdf (the old parser) + the torch embedder; "today" = pypdfium2 + the torch
embedder; "bf16" = pypdfium2 + torch-bf16 on INGEST_THREADS workers (the ingest default before
OpenVINO); "after" = pypdfium2 + the ingest backend given by --after (default: INGEST_BACKEND) as
ingestion runs it (INGEST_THREADS workers of one thread each). All use the same chunker, back to
back in one process, so they see the same machine load.
The generated corpus reuses the seed corpus's own sentences, laid out as numbered sections on
pages with running headers, so parsing and chunking see realistic text.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

import rag.ingest.service as ingest_service  # noqa: E402
from benchmarks.common import bench_engine, machine_line, print_table  # noqa: E402
from core.settings import PROJECT_ROOT, get_settings  # noqa: E402
from rag.chunking import chunk_document  # noqa: E402
from rag.embeddings import Embedder, build_embedder, build_ingest_embedder, ingest_backend  # noqa: E402
from rag.ingest import expand_paths, ingest_paths  # noqa: E402
from rag.pdf import RawPdf, build_document, parse_pdf  # noqa: E402
from rag.types import ParsedDocument  # noqa: E402
from seed_data.regulations.render import COMPILATION, REALDOCS, render_compilation  # noqa: E402
from tests.pdf_factory import write_policy_pdf  # noqa: E402

REGULATIONS = PROJECT_ROOT / "seed_data" / "regulations"
# run -> parser. before: as ingestion was before issue 12 (pypdf, torch float32, TORCH_THREADS);
# today: the new parser with that embedder; after: the new parser, EMBEDDING_BACKEND (or --after)
# with INGEST_THREADS workers.
RUNS = {"before": "pypdf", "today": "pypdfium2", "bf16": "pypdfium2", "after": "pypdfium2"}


def pypdf_parse(data: bytes, *, fallback_name: str) -> ParsedDocument:
    """The old parser's page text (pypdf extract_text), through today's structure and chunking."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    info = {k: str(v) for k, v in (reader.metadata or {}).items()}
    return build_document(RawPdf([p.extract_text() or "" for p in reader.pages], [], info), fallback_name=fallback_name)


@contextmanager
def parser(name: str) -> Iterator[None]:
    """Route ingestion through `name` ('pypdf' or 'pypdfium2') for the duration."""
    original = ingest_service.parse_pdf
    ingest_service.parse_pdf = pypdf_parse if name == "pypdf" else parse_pdf
    try:
        yield
    finally:
        ingest_service.parse_pdf = original


def seed_sentences(policy_dir: Path) -> list[str]:
    text = " ".join(p.extract_text() or "" for f in expand_paths([policy_dir]) for p in PdfReader(f).pages)
    return [s for s in re.split(r"(?<=[.])\s+", re.sub(r"\s+", " ", text)) if 8 <= len(s.split()) <= 60]


def seed_headings(policy_dir: Path) -> list[str]:
    """Section titles of the seed corpus, reused as generated headings."""
    text = "\n".join(p.extract_text() or "" for f in expand_paths([policy_dir]) for p in PdfReader(f).pages)
    return sorted({m.group(1) for m in re.finditer(r"^\d+\.\d+ ([A-Z][^\n]{3,60})$", text, re.MULTILINE)})


def generate_corpus(
    out: Path, sentences: list[str], titles: list[str], pages: int, pages_per_doc: int = 50
) -> list[Path]:
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


def measure(
    paths: list[Path], db_name: str, parser_name: str, embedder: Embedder | None
) -> tuple[int, int, float, float]:
    """(pages, chunks, parse+chunk seconds, end-to-end ingest seconds; NaN without an embedder)."""
    settings = get_settings()
    parse = pypdf_parse if parser_name == "pypdf" else parse_pdf
    started = time.perf_counter()
    pages = chunks = 0
    for path in paths:
        doc = parse(path.read_bytes(), fallback_name=path.stem)
        pages += len(doc.pages)
        chunks += len(chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap))
    parse_s = time.perf_counter() - started
    if embedder is None:
        return pages, chunks, parse_s, float("nan")
    engine = bench_engine(db_name)
    started = time.perf_counter()
    with parser(parser_name):
        reports = ingest_paths(paths, session_factory=sessionmaker(bind=engine), embedder=embedder, settings=settings)
    total_s = time.perf_counter() - started
    engine.dispose()
    failed = [r.line() for r in reports if r.status == "failed"]
    if failed:
        raise SystemExit("ingest failed: " + "; ".join(failed))
    return sum(r.pages for r in reports), sum(r.chunks for r in reports), parse_s, total_s


def main() -> None:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_.add_argument("--pages", type=int, default=1000, help="pages in the generated corpus")
    parser_.add_argument("--corpora", default="seed,generated,regulations,long", help="comma-separated subset")
    parser_.add_argument(
        "--realdocs", type=Path, default=REALDOCS, help="the RegML XML the long document is rendered from"
    )
    parser_.add_argument(
        "--after",
        choices=["torch", "torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-int8"],
        help="ingest backend for 'after' (default: INGEST_BACKEND)",
    )
    parser_.add_argument("--runs", default="before,today,after", help="which of before,today,bf16,after to run")
    parser_.add_argument("--parse-only", action="store_true", help="parse and chunk only (no embedding, no database)")
    args = parser_.parse_args()
    settings = get_settings()
    after_backend = args.after or ingest_backend(settings)
    runs = {when: run for when, run in RUNS.items() if when in args.runs.split(",")}
    backends = {"before": "torch", "today": "torch", "bf16": "torch-bf16", "after": after_backend}
    workers = f"{settings.ingest_threads} worker(s)"
    threads = {
        "before": f"{settings.torch_threads} thread(s)",
        "today": f"{settings.torch_threads} thread(s)",
        "bf16": workers,
        "after": workers,
    }
    embedders: dict[str, Embedder | None] = {when: None for when in runs}
    if not args.parse_only:
        build = {
            "before": build_embedder,
            "today": build_embedder,
            "bf16": build_ingest_embedder,
            "after": build_ingest_embedder,
        }
        embedders = {
            when: build[when](
                settings.model_copy(update={"embedding_backend": backends[when], "ingest_backend": backends[when]})
            )
            for when in runs
        }
        for embedder in embedders.values():
            embedder.embed_documents(["warm up"])  # model load (and a first export) is not ingestion throughput
    wanted = set(args.corpora.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {}
        if "seed" in wanted:
            corpora["seed corpus"] = expand_paths([settings.policy_dir])
        if "regulations" in wanted:
            corpora["regulations (Reg X + Reg C)"] = expand_paths([REGULATIONS])
        if "long" in wanted:
            started = time.perf_counter()
            long_pdf = render_compilation(args.realdocs, Path(tmp) / COMPILATION.pdf)
            print(f"rendered the long document in {time.perf_counter() - started:.1f} s (not counted)", flush=True)
            corpora["real long document (Reg X + C + analysis)"] = [long_pdf]
        if "generated" in wanted:
            corpora[f"generated ({args.pages} pages)"] = generate_corpus(
                Path(tmp), seed_sentences(settings.policy_dir), seed_headings(settings.policy_dir), args.pages
            )
        for label, paths in corpora.items():
            for when, parser_name in runs.items():
                pages, chunks, parse_s, total_s = measure(paths, "lg_bench_ingest", parser_name, embedders[when])
                backend = "-" if args.parse_only else f"{backends[when]}, {threads[when]}"
                rows.append(
                    [
                        label,
                        f"{when}: {parser_name} + {backend}",
                        len(paths),
                        pages,
                        chunks,
                        f"{pages / parse_s:.1f}",
                        f"{pages / total_s:.1f}",
                        f"{chunks / total_s:.1f}",
                        f"{total_s:.1f}",
                    ]
                )
                print(" | ".join(map(str, rows[-1])), flush=True)  # progress: a long run can be cut short
    print(machine_line() + f", ingest workers {settings.ingest_threads}")
    print_table(
        [
            "corpus",
            "run",
            "files",
            "pages",
            "chunks",
            "parse+chunk pages/s",
            "ingest pages/s",
            "ingest chunks/s",
            "ingest s",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
