"""Application IDs and run ownership under concurrency (issue 22, point 3): a blank or taken ID is the
application's refusal by field, never a traceback; two resumes of one run at once: one proceeds, one is told."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from agents.events import AgentEvent, RunFinished, RunStarted
from agents.run_claim import claim_run
from core.errors import InvalidApplication, RunBusy
from core.models import Application, Run
from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from tests.agents.support import BASE, app, make_service
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
DB = "lg_run_ids"
TAKEN = {"application_id": "is already used by another application: an ID belongs to one application"}

ids_engine = seeded_clone(DB)


@pytest.fixture(scope="module")
def service(ids_engine, embedder, settings):
    return make_service(ids_engine, embedder, settings)


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_application_id_is_refused(blank):
    with pytest.raises(InvalidApplication) as info:
        validate_application({**BASE, "application_id": blank})
    assert info.value.field_errors == {"application_id": "must not be empty"}


def _first_event(service, application):
    stream = service.run(application)
    try:
        return next(stream)
    except InvalidApplication as exc:
        return exc
    finally:
        stream.close()  # the winner's run is left unfinished; only who stored the ID matters here


def test_a_reused_id_is_refused_by_field_even_when_four_arrive_at_once(service, ids_engine):
    first = _first_event(service, app(application_id="IDS-REUSED"))
    assert isinstance(first, RunStarted)
    again = _first_event(service, app(application_id="IDS-REUSED"))
    assert isinstance(again, InvalidApplication) and again.field_errors == TAKEN

    results: list = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        barrier.wait()
        results.append(_first_event(service, app(application_id="IDS-RACE")))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(isinstance(r, RunStarted) for r in results) == 1
    assert [r.field_errors for r in results if not isinstance(r, RunStarted)] == [TAKEN] * 3
    with sessionmaker(bind=ids_engine)() as s:
        assert (
            s.scalar(select(func.count()).select_from(Application).where(Application.application_ref == "IDS-RACE"))
            == 1
        )


def test_the_cli_refuses_a_taken_id_with_exit_2(service, settings, tmp_path):
    _first_event(service, app(application_id="IDS-CLI"))
    path = tmp_path / "app.json"
    path.write_text(json.dumps({**BASE, "application_id": "IDS-CLI"}, default=str))
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": DB, "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", str(path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "application_id: is already used by another application" in done.stderr and "Traceback" not in done.stderr


def test_two_resumes_at_once_one_proceeds_and_the_other_is_told(service, ids_engine, settings):
    started = _first_event(service, app())  # a run cut before its first agent (kill -9)
    run_id = started.run_id
    winner = service.resume(run_id)
    assert isinstance(next(winner), AgentEvent)  # the winner holds the run from here to its end
    with pytest.raises(RunBusy, match="already being run or resumed"):
        list(service.resume(run_id))
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_NAME": DB, "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "agents.run", "--resume", run_id],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3 and "already resumed" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert isinstance(list(winner)[-1], RunFinished)
    with sessionmaker(bind=ids_engine)() as s:
        assert s.get(Run, run_id).status == "completed"
    assert isinstance(list(service.resume(run_id))[-1], RunFinished)  # afterwards it just reports again


def test_a_claim_is_released_when_its_holder_ends(ids_engine):
    with claim_run(ids_engine, "some-run"):
        with pytest.raises(RunBusy):
            with claim_run(ids_engine, "some-run"):
                pass
    with claim_run(ids_engine, "some-run"):
        pass
