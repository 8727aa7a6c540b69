"""Secret keys: from the environment in production, never generated next to the data there.

In development a missing key is created once under DATA_DIR, written 0600 from the first byte
(never world-readable, not even for an instant), and reused.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from core.errors import ConfigurationError
from core.settings import Settings

MIN_KEY_CHARS = 32  # 128 bits of hex or more
# setting (environment variable) -> development key file under DATA_DIR
KEYS = {"SSN_HASH_KEY": "ssn_hash.key", "AUDIT_HMAC_KEY": "audit_hmac.key"}


def production_key_problems(settings: Settings) -> list[str]:
    """One line per key that production cannot start without (empty when not production)."""
    if settings.app_env != "production":
        return []
    problems = []
    for name in KEYS:
        value = getattr(settings, name.lower()).get_secret_value()
        if len(value) < MIN_KEY_CHARS:
            problems.append(
                f"{name} must be set in the environment (or a secrets manager that fills it), "
                f"at least {MIN_KEY_CHARS} characters; production never generates it into DATA_DIR"
            )
    return problems


def require_production_keys(settings: Settings) -> None:
    """ConfigurationError naming every missing key, before anything is started."""
    problems = production_key_problems(settings)
    if problems:
        raise ConfigurationError("APP_ENV=production refuses to start: " + "; ".join(problems))


def key_bytes(settings: Settings, name: str) -> bytes:
    """The key for setting `name` (e.g. "AUDIT_HMAC_KEY"): configured, or in development the
    DATA_DIR key file, created 0600 on first use. In production a missing key is an error."""
    configured: str = getattr(settings, name.lower()).get_secret_value()
    if configured:
        return configured.encode()
    require_production_keys(settings)
    return _dev_key_file(settings.data_dir / KEYS[name]).encode()


def _dev_key_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # 0600 from the start
        except FileExistsError:
            return path.read_text().strip()  # another process made it first
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    if path.stat().st_mode & 0o077:  # a key file from an older version, created 0644 then chmod-ed
        path.chmod(0o600)
    return path.read_text().strip()
