"""Helpers shared by the embedding tests: a few policy-like texts of different lengths."""

from __future__ import annotations

TEXTS = [
    "Conventional Guide / 5. Qualifying Ratios\nThe maximum back-end DTI ratio for a conventional loan is 45%.",
    "A servicer shall not charge a late fee on a payment received by the transferor servicer within 60 days.",
    "reserves",
]
