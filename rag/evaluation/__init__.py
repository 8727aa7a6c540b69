"""Evaluation of the question-answering path: our citation metrics plus ragas, offline or with an LLM judge.

`runner.run_evaluation(...)` answers, scores and stores a run; `store` reads runs back (without importing ragas).
"""
