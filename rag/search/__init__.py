"""`python -m rag.search "QUERY" [--json]`: run the retrieval pipeline and print every stage."""
