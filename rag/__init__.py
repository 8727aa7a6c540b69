"""Retrieval-augmented generation: ingestion, retrieval stages and evaluation."""
