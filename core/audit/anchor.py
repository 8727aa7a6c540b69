"""The exported chain head: a signed file outside the database naming the latest record.

Deleting the newest records leaves a chain that is valid in itself; the anchor says how far it
reached, so truncation shows. Writes are monotonic (never move the head back) and atomic, and
several processes may write at once (a file lock). The anchor is a lower bound: it names the
newest record this machine saw committed. It only advances over a chain that still holds the
anchored record, so appending after a truncation cannot hide it.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    database: str
    record_id: int
    hash: str
    identity: str = ""  # the server's system identifier and the database's OID (core.audit.database_identity);
    # empty in anchors written before it was signed: those are checked by name only

    def mismatch(self, database: str, identity: str) -> str | None:
        """Why this anchor is not the head of `database` on this server, or None."""
        if self.database != database:
            return f"the anchor was signed for database {self.database!r}, not {database!r}"
        if self.identity and self.identity != identity:
            return f"the anchor was signed for another database named {database!r} (identity {self.identity})"
        return None


def anchor_path(anchor_dir: Path, database: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in database)
    return anchor_dir / f"{safe}.anchor.json"


def _signature(anchor: Anchor, key: bytes) -> str:
    body = f"loangraph-audit-anchor|{anchor.database}|{anchor.record_id}|{anchor.hash}"
    if anchor.identity:
        body += f"|{anchor.identity}"
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def read_anchor(path: Path, key: bytes) -> Anchor | None:
    """The anchor in `path`, None if there is none; ValueError if it is unreadable or forged."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        anchor = Anchor(str(data["database"]), int(data["record_id"]), str(data["hash"]), str(data.get("identity", "")))
        signature = str(data["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"anchor file {path} is unreadable: {exc}") from exc
    if not hmac.compare_digest(signature, _signature(anchor, key)):
        raise ValueError(f"anchor file {path} has an invalid signature")
    return anchor


def write_anchor(path: Path, anchor: Anchor, key: bytes, *, force: bool = False) -> None:
    """Record `anchor` unless the file already names a newer record (or is damaged); `force`: an
    operator re-anchors after investigating a finding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = None if force else read_anchor(path, key)
        except ValueError:
            log.error("audit anchor %s is damaged: kept as evidence, not advanced", path)
            return
        if current is not None and current.record_id >= anchor.record_id:
            return
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps(
                {
                    "database": anchor.database,
                    "record_id": anchor.record_id,
                    "hash": anchor.hash,
                    "identity": anchor.identity,
                    "signature": _signature(anchor, key),
                }
            )
        )
        os.replace(tmp, path)
