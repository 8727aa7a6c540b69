"""Batch underwriting: `python -m agents.batch FILE [--engine local|dask] [--workers N] [--limit N]`."""
