"""The embedded server touches only what it owns: each stale state from issue 11 is repaired with
one line, and an unrelated process named in a stale pid file survives."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from core.embedded import HOLDERS_FILE, PID_FILE, _stop_verified, find_our_postmasters, is_our_postmaster
from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def _script(data_dir: Path, *extra: str, **kwargs):
    return [sys.executable, "-m", "tests.core.embedded_holder", str(data_dir), *extra]


def use_server(data_dir: Path) -> subprocess.CompletedProcess:
    """A short-lived process that starts or attaches, runs one query and exits."""
    return subprocess.run(_script(data_dir), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def hold_server(data_dir: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        _script(data_dir, "--hold"),
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().startswith("ready"), holder.stderr.read()
    return holder


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> Path:
    """A data directory initdb'd once (the server stopped again); tests work on copies of it."""
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get("XDG_RUNTIME_DIR"):  # as prepare_process_env does: one runtime dir for all
            run = tmp_path_factory.mktemp("run")
            run.chmod(0o700)
            mp.setenv("XDG_RUNTIME_DIR", str(run))
        yield _initialise(tmp_path_factory.mktemp("embedded") / "pg")


def _initialise(pg: Path) -> Path:
    done = use_server(pg)
    assert done.returncode == 0, done.stderr
    assert not find_our_postmasters(pg)
    return pg


@pytest.fixture
def data_dir(initialised, tmp_path) -> Path:
    pg = tmp_path / "pg"
    shutil.copytree(initialised, pg, symlinks=True)
    owner = pwd.getpwnam("pgserver") if os.geteuid() == 0 else None
    for path in [pg, *pg.rglob("*")]:
        if owner:
            os.chown(path, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    yield pg
    for pid in find_our_postmasters(pg):  # never leave a server behind, whatever the test did
        _stop_verified(pid, pg)


@pytest.fixture
def bystander():
    """An unrelated live process (as a stale pid file might name): it must survive."""
    proc = subprocess.Popen(["sleep", "300"])
    yield proc
    proc.kill()
    proc.wait()


def one_line(stderr: str, expected: str) -> None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and expected in lines[0], stderr


def test_a_stale_pid_file_naming_another_live_process(data_dir, bystander):
    (data_dir / PID_FILE).write_text(f"{bystander.pid}\n{data_dir}\n1700000000\n5432\n{data_dir}\n\n  0 0\nready\n")
    done = use_server(data_dir)
    assert done.returncode == 0 and "ready 1" in done.stdout, done.stderr
    one_line(done.stderr, f"removed a stale {PID_FILE}")
    assert bystander.poll() is None  # still alive: never signalled
    assert not find_our_postmasters(data_dir)  # our own server was stopped at exit


def test_a_sigkilled_holder_does_not_keep_the_server_up(data_dir):
    holder = hold_server(data_dir)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert holder.pid in json.loads((data_dir / HOLDERS_FILE).read_text()) and find_our_postmasters(data_dir)
    done = use_server(data_dir)
    assert done.returncode == 0 and "ready 1" in done.stdout, done.stderr
    one_line(done.stderr, f"dropped 1 holder pid(s) of exited processes from {HOLDERS_FILE} ({holder.pid})")
    assert not find_our_postmasters(data_dir)  # the last holder stopped it


def test_a_corrupt_holders_file(data_dir):
    (data_dir / HOLDERS_FILE).write_text('{"not": "a list"')
    done = use_server(data_dir)
    assert done.returncode == 0 and "ready 1" in done.stdout, done.stderr
    one_line(done.stderr, f"reset an unreadable {HOLDERS_FILE}")
    assert not find_our_postmasters(data_dir)


def test_a_deleted_pid_file_while_the_server_runs(data_dir, bystander):
    holder = hold_server(data_dir)
    (old,) = find_our_postmasters(data_dir)
    (data_dir / PID_FILE).unlink()
    done = use_server(data_dir)
    assert done.returncode == 0 and "ready 1" in done.stdout, done.stderr
    one_line(done.stderr, f"{PID_FILE} was missing while this data directory's server ran (PID {old})")
    (new,) = find_our_postmasters(data_dir)
    assert new != old  # restarted, and still up: the holder still holds it
    holder.stdin.close()
    assert holder.wait(timeout=60) == 0
    assert not find_our_postmasters(data_dir) and bystander.poll() is None


def test_only_this_directorys_postmaster_is_ever_signalled(data_dir, bystander):
    holder = hold_server(data_dir)
    (server,) = find_our_postmasters(data_dir)
    assert is_our_postmaster(server, data_dir)
    assert not is_our_postmaster(server, data_dir.parent / "elsewhere")
    assert not is_our_postmaster(bystander.pid, data_dir)
    assert not _stop_verified(bystander.pid, data_dir) and bystander.poll() is None
    holder.stdin.close()
    assert holder.wait(timeout=60) == 0 and not find_our_postmasters(data_dir)


def test_a_server_that_cannot_start_gives_one_line_not_its_log(data_dir, bystander):
    (data_dir / "postgresql.conf").write_text("shared_buffers = 'not a size'\n")
    done = use_server(data_dir)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    one_line(done.stderr, "could not start the embedded PostgreSQL")
    assert 'postgresql.conf" contains errors' in done.stderr and f"server log: {data_dir / 'log'}" in done.stderr
    assert not find_our_postmasters(data_dir) and bystander.poll() is None


# --- issue 22 (10): the socket admits only the OS user running LoanGraph, never trust ---

PSQL = Path(__import__("pgserver").__file__).parent / "pginstall" / "bin" / "psql"


@pytest.fixture
def long_data_dir(initialised, tmp_path, monkeypatch) -> Path:
    """A data directory whose path is too long for a socket name: pgserver puts its socket in a shared
    runtime directory opened to every user (chmod 777), as a deployment with a deep DATA_DIR gets it.
    This test's own runtime directory: pgserver also opens every folder above the socket to all users, and
    the session's runtime directory left at 0755 makes platformdirs warn on stderr in the tests after it."""
    runtime = tempfile.mkdtemp(prefix="lg-run-")  # 0700, and short: the socket's path must fit in 107 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    pg = tmp_path / ("d" * 90) / "pg"
    shutil.copytree(initialised, pg, symlinks=True)
    owner = pwd.getpwnam("pgserver") if os.geteuid() == 0 else None
    for path in [pg, *pg.rglob("*")]:
        if owner:
            os.chown(path, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    yield pg
    for pid in find_our_postmasters(pg):
        _stop_verified(pid, pg)
    shutil.rmtree(runtime, ignore_errors=True)


def as_nobody(socket_dir: str) -> subprocess.CompletedProcess:
    """Another local OS user asks for the superuser over the server's socket."""
    return subprocess.run(
        [str(PSQL), "-h", socket_dir, "-U", "postgres", "-d", "postgres", "-Atc", "SELECT current_user"],
        user="nobody",
        capture_output=True,
        text=True,
        timeout=60,
    )


def socket_dir_of(data_dir: Path) -> str:
    socket_dir = (data_dir / PID_FILE).read_text().splitlines()[4]
    assert Path(socket_dir) != data_dir  # in the shared runtime directory: reachable by other users
    return socket_dir


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="running a client as another OS user needs root")


@needs_root
def test_another_os_user_cannot_connect_to_a_new_server(long_data_dir):
    holder = hold_server(long_data_dir)  # our own process connects (peer, mapped to its OS user)
    try:
        refused = as_nobody(socket_dir_of(long_data_dir))
        assert refused.returncode != 0 and 'Peer authentication failed for user "postgres"' in refused.stderr, (
            refused.stdout + refused.stderr
        )
        rules = [ln for ln in (long_data_dir / "pg_hba.conf").read_text().splitlines() if ln.strip()[:1] not in "#"]
        assert rules and not any("trust" in ln for ln in rules), rules
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


@needs_root
def test_a_server_already_running_on_trust_is_switched_to_peer(long_data_dir):
    (long_data_dir / "pg_hba.conf").write_text("local all all trust\n")  # as pgserver's initdb leaves it
    (long_data_dir / "pg_ident.conf").write_text("")
    raw = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pgserver; pgserver.get_server(sys.argv[1]); print('up', flush=True); sys.stdin.read()",
            str(long_data_dir),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert raw.stdout.readline().startswith("up")
        socket_dir = socket_dir_of(long_data_dir)
        assert as_nobody(socket_dir).stdout.strip() == "postgres"  # the exposure the issue found
        done = use_server(long_data_dir)  # LoanGraph attaches: rewrites the files and reloads the server
        assert done.returncode == 0 and "ready 1" in done.stdout, done.stderr
        assert "replaced trust authentication by peer authentication" in done.stderr  # (pgserver's chmod of the
        assert "Traceback" not in done.stderr  # runtime directory also makes platformdirs warn here)
        deadline = time.monotonic() + 30
        while (refused := as_nobody(socket_dir)).returncode == 0 and time.monotonic() < deadline:
            time.sleep(0.1)  # the reload is asynchronous: poll for the condition
        assert refused.returncode != 0 and "Peer authentication failed" in refused.stderr, refused.stdout
    finally:
        raw.stdin.close()
        raw.wait(timeout=60)
