"""CLI package: `python -m agents.run APPLICATION.json [--json]`."""
