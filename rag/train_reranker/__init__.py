"""`python -m rag.train_reranker`: fine-tune the small domain cross-encoder (RERANKER_MODEL=domain)."""
