"""The audit chain's HMAC key: AUDIT_HMAC_KEY, or in development a key made once under DATA_DIR.

The key never enters the database, so someone who can write the audit table still cannot
re-chain edited records. Production refuses to run without a configured key.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from core.errors import ConfigurationError
from core.settings import Settings

log = logging.getLogger(__name__)

DEV_KEY_FILE = "audit_hmac.key"


def audit_key(settings: Settings) -> bytes:
    """The configured key; in development a random key kept in DATA_DIR with mode 0600."""
    configured = settings.audit_hmac_key.get_secret_value()
    if configured:
        return configured.encode()
    if settings.app_env == "production":
        raise ConfigurationError("AUDIT_HMAC_KEY must be set in production (the audit chain's key "
                                 "is kept outside the database and outside DATA_DIR)")
    return _dev_key(settings.data_dir / DEV_KEY_FILE)


def _dev_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # 0600 from the start: O_EXCL creates it with that mode, never world-readable for a moment
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        log.info("created a development audit key at %s (set AUDIT_HMAC_KEY outside development)", path)
    return path.read_text().strip().encode()
