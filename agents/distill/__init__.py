"""Distil the Ratio agent's narrative into a small local model (SmolLM2-135M + LoRA): data, training, evaluation.

`python -m agents.distill fetch-base | make-data | train | evaluate`; `make distill` runs them all.
"""
