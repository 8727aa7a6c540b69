"""Ingestion: PDF -> pages -> sections -> chunks -> vectors -> `policy_chunks`."""

from rag.ingest.fingerprint import corpus_fingerprint
from rag.ingest.service import IngestReport, corpus_stats, expand_paths, ingest_file, ingest_paths, stale_files

__all__ = [
    "IngestReport",
    "corpus_fingerprint",
    "corpus_stats",
    "expand_paths",
    "ingest_file",
    "ingest_paths",
    "stale_files",
]
