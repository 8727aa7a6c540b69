"""`make test` without network: browser-deps says why Chromium is missing and lets the tests run."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None or shutil.which("id") is None, reason="needs make and id")
def test_browser_deps_without_network_skips_instead_of_failing(tmp_path: Path):
    """Bug: as root without network, `make test` stopped at apt-get instead of running the tests."""
    bin_dir = tmp_path / "bin"  # a PATH with no chromium and an apt-get that cannot reach its mirror
    bin_dir.mkdir()
    for tool in ("id", "timeout"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    apt = bin_dir / "apt-get"
    apt.write_text("#!/bin/sh\necho 'E: Failed to fetch: network is unreachable' >&2\nexit 100\n")
    apt.chmod(0o755)
    done = subprocess.run(
        [MAKE, "-s", "-C", str(PROJECT_ROOT), "browser-deps"],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(bin_dir)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    if os.geteuid() == 0:
        assert "could not install Chromium" in done.stdout and "browser test will be skipped" in done.stdout
    else:
        assert "Chromium missing" in done.stdout
