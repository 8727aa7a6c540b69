"""`python -m dashboard.serve` (what `make run` does): the dashboard on DASHBOARD_ADDRESS:DASHBOARD_PORT.

It listens on 127.0.0.1 unless DASHBOARD_ADDRESS opens it; it has no login of its own, so anything
but localhost belongs behind an authenticating reverse proxy (docs/security.md).
"""

from __future__ import annotations

import logging
import os
import sys

from core.settings import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger(__name__)
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1", "localhost"})


def streamlit_argv(settings: Settings) -> list[str]:
    """The `streamlit run` command line for these settings (through dashboard.streamlit_main: deep links work
    from the first request)."""
    return [
        sys.executable,
        "-m",
        "dashboard.streamlit_main",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.address",
        settings.dashboard_address,
        "--server.port",
        str(settings.dashboard_port),
    ]


def main() -> None:
    settings = get_settings()
    if settings.dashboard_address not in LOCAL_ADDRESSES:
        log.warning(
            "the dashboard listens on %s, not only localhost: it has no login of its own, so put it "
            "behind an authenticating proxy (docs/security.md)",
            settings.dashboard_address,
        )
    argv = streamlit_argv(settings)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    main()
