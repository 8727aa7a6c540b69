"""Core services: settings, database, errors and (later) the LLM seam."""
