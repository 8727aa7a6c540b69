"""The audit chain's HMAC key: AUDIT_HMAC_KEY, or in development a key made once under DATA_DIR.

The key never enters the database, so someone who can write the audit table still cannot
re-chain edited records. Production refuses to run without a configured key (core/keys.py).
"""

from __future__ import annotations

from core.keys import KEYS, key_bytes
from core.settings import Settings

DEV_KEY_FILE = KEYS["AUDIT_HMAC_KEY"]  # under DATA_DIR, development only


def audit_key(settings: Settings) -> bytes:
    """The configured key; in development a random key kept in DATA_DIR with mode 0600."""
    return key_bytes(settings, "AUDIT_HMAC_KEY")
