"""The embedded PostgreSQL (pgserver) under DATA_DIR/pg: start or attach, and touch no process that
is not this data directory's own server.

pgserver trusts `postmaster.pid` and `.handle_pids.json` as it finds them: a stale pid file naming
another live process made it treat that process as the server and kill it at exit; a SIGKILLed
holder's pid kept the server up for ever; a corrupt pid list or a deleted pid file gave tracebacks
and the whole server log. Here both files are checked first (each repair logged as one line), and
at exit the server is stopped only after /proc confirms the pid is this data directory's postmaster.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

from core import embedded_auth
from core.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

PID_FILE = "postmaster.pid"
HOLDERS_FILE = ".handle_pids.json"
STOP_WAIT_S = 60.0  # as pg_ctl stop: a shutdown checkpoint after many test databases is slow


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone, or not ours to read
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_our_postmaster(pid: int, data_dir: Path) -> bool:
    """True only if `pid` is a postgres server started with `-D data_dir` (read from /proc)."""
    argv = _cmdline(pid)
    if not argv or Path(argv[0]).name != "postgres" or "-D" not in argv[:-1]:
        return False
    given = Path(argv[argv.index("-D") + 1])
    try:
        return given.resolve() == data_dir.resolve()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_holder(pid: int) -> bool:
    """A process that may hold the server: alive and a Python interpreter (every holder is one)."""
    return _alive(pid) and any("python" in Path(part).name for part in _cmdline(pid)[:1])


def find_our_postmasters(data_dir: Path) -> list[int]:
    """Postmasters running on `data_dir`, found by scanning /proc (the pid file may be gone)."""
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if is_our_postmaster(pid, data_dir)]


def _pid_in_file(data_dir: Path) -> int | None:
    try:
        first = (data_dir / PID_FILE).read_text().splitlines()[0]
        return int(first.strip())
    except (OSError, IndexError, ValueError):
        return None


def repair_holders(data_dir: Path, *, leaving: int | None = None) -> str | None:
    """Drop holders that are gone (a SIGKILLed CLI), and `leaving`, and reset an unreadable list;
    say what was repaired."""
    path = data_dir / HOLDERS_FILE
    if not path.exists():
        return None
    try:
        pids = json.loads(path.read_text())
        if not isinstance(pids, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in pids):
            raise ValueError("not a list of process ids")
    except ValueError:
        path.write_text("[]")
        return f"reset an unreadable {HOLDERS_FILE} in {data_dir}"
    live = [p for p in pids if p != leaving and (p == os.getpid() or _is_holder(p))]
    if len(live) == len(pids):
        return None
    path.write_text(json.dumps(live))
    gone = sorted(set(pids) - set(live) - {leaving})
    if not gone:
        return None
    return f"dropped {len(gone)} holder pid(s) of exited processes from {HOLDERS_FILE} ({', '.join(map(str, gone))})"


def repair_pid_file(data_dir: Path) -> str | None:
    """Remove a postmaster.pid that names no server of ours; stop our server if its pid file is gone."""
    pid_file = data_dir / PID_FILE
    if pid_file.exists():
        pid = _pid_in_file(data_dir)
        if pid is not None and is_our_postmaster(pid, data_dir):
            return None
        pid_file.unlink()
        what = "an unreadable" if pid is None else f"PID {pid} is {'another process' if _alive(pid) else 'gone'}:"
        return f"removed a stale {PID_FILE} from {data_dir} ({what} not this data directory's server)"
    running = find_our_postmasters(data_dir)
    for pid in running:
        _stop_verified(pid, data_dir)
    if running:
        return (
            f"{PID_FILE} was missing while this data directory's server ran (PID "
            f"{', '.join(map(str, running))}): stopped it to start afresh"
        )
    return None


def _stop_verified(pid: int, data_dir: Path) -> bool:
    """Fast-shutdown `pid` if, and only if, it is this data directory's postmaster; wait for it to go."""
    if not is_our_postmaster(pid, data_dir):
        log.warning("not stopping PID %s: it is not the server of %s", pid, data_dir)
        return False
    os.kill(pid, signal.SIGINT)  # postgres: SIGINT = fast shutdown (roll back, close, exit)
    deadline = time.monotonic() + STOP_WAIT_S
    while time.monotonic() < deadline:
        if not _alive(pid) or not is_our_postmaster(pid, data_dir):
            return True
        time.sleep(0.05)  # polling a condition (the process gone), not a fixed wait
    log.warning("the embedded server (PID %s) did not stop within %.0f s", pid, STOP_WAIT_S)
    return False


def _last_server_error(data_dir: Path) -> str:
    try:
        lines = (data_dir / "log").read_text(errors="replace").splitlines()
    except OSError:
        return ""
    errors = [ln for ln in lines if "FATAL" in ln or "ERROR" in ln or "PANIC" in ln]
    return (errors or lines or [""])[-1].strip()[:300]


def start(data_dir: Path) -> str:
    """Start or attach to the server under `data_dir` (after repairing stale state); return its URI."""
    import pgserver  # heavy import (ships the binaries): only when we need it
    from pgserver.postgres_server import PostgresServer

    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir = data_dir.resolve()
    logging.getLogger("pgserver").setLevel(logging.CRITICAL)  # it logs the whole server log on failure
    with PostgresServer._lock:  # the lock pgserver itself takes around these two files
        for action in (repair_holders(data_dir), repair_pid_file(data_dir)):
            if action:
                log.warning("embedded PostgreSQL: %s", action)
        running = _pid_in_file(data_dir)  # repaired above: a pid still named is this directory's server
        auth_changed = (data_dir / "PG_VERSION").exists() and embedded_auth.write_auth(data_dir)
    try:
        with embedded_auth.peer_auth_at_initdb():  # a fresh directory never starts on trust
            server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    except Exception as exc:  # pgserver raises plain Exceptions with pg_ctl output
        _replace_cleanup(PostgresServer._instances.pop(data_dir, None), data_dir)
        detail = _last_server_error(data_dir) or type(exc).__name__
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {data_dir}: {detail} (server log: {data_dir / 'log'})"
        ) from None
    _replace_cleanup(server, data_dir)
    if auth_changed and running is not None and is_our_postmaster(running, data_dir):
        embedded_auth.reload_server(running)  # a server started on trust before: it re-reads pg_hba.conf
    return server.get_uri()


def _replace_cleanup(server: Any, data_dir: Path) -> None:
    """Swap pgserver's exit handler (which may kill whatever PID its stale info names) for ours."""
    if server is None or getattr(server, "_loangraph_cleanup", False):
        return
    atexit.unregister(server._cleanup)
    server._loangraph_cleanup = True
    atexit.register(release, data_dir)


def release(data_dir: Path) -> None:
    """This process lets go of the server; the last holder stops it, after verifying its PID."""
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:
        repair_holders(data_dir, leaving=os.getpid())
        path = data_dir / HOLDERS_FILE
        if path.exists() and json.loads(path.read_text()):
            return  # others still hold it
        pid = _pid_in_file(data_dir)
        if pid is not None:
            _stop_verified(pid, data_dir)
