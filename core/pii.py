"""PII handling: the SSN is kept only masked and as a keyed hash (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac

from core.keys import KEYS, key_bytes
from core.settings import Settings

KEY_FILE = KEYS["SSN_HASH_KEY"]


def hash_key(settings: Settings) -> bytes:
    """The configured key; in development one created once under DATA_DIR (0600) and reused;
    in production a missing key refuses (core.keys)."""
    return key_bytes(settings, "SSN_HASH_KEY")


def ssn_hash(ssn: str, key: bytes) -> str:
    """A keyed hash of the digits: equal SSNs match, the SSN cannot be recovered without the key."""
    digits = "".join(ch for ch in ssn if ch.isdigit())
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
