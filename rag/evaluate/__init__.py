"""`python -m rag.evaluate [--dataset FILE] [--json]`: evaluate the question-answering path and store the run."""
