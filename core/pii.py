"""PII handling: the SSN is kept only masked and as a keyed hash (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from core.settings import Settings

KEY_FILE = "ssn_hash.key"


def hash_key(settings: Settings) -> bytes:
    """The configured key, or one created once under DATA_DIR (mode 0600) and reused."""
    configured = settings.ssn_hash_key.get_secret_value()
    if configured:
        return configured.encode()
    path: Path = settings.data_dir / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def ssn_hash(ssn: str, key: bytes) -> str:
    """A keyed hash of the digits: equal SSNs match, the SSN cannot be recovered without the key."""
    digits = "".join(ch for ch in ssn if ch.isdigit())
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
