"""Batches on a real database: every valid row decided once, resumable, protected data kept apart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from agents.batch.engines import DaskEngine, InlineEngine
from agents.batch.runner import execute, plan_batch
from agents.events import RunFinished
from core.audit import verify_chain
from core.models import AuditRecord, Batch, BatchItem, Run
from core.schemas import validate_application
from core.settings import PROJECT_ROOT
from tests.agents.batch.support import _samples
from tests.agents.support import make_service
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
DB = "lg_batch"
CANARIES = {
    "race": "Canary-Race-7Q",
    "sex": "Canary-Sex-7Q",
    "ethnicity": "Canary-Eth-7Q",
    "age": "Canary-Age-7Q",
    "marital_status": "Canary-Marital-7Q",
    "zip": "99999-7Q",
}


def _write_batch(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


batch_engine = seeded_clone(DB)


@pytest.fixture(scope="module")
def service(batch_engine, embedder, settings):
    return make_service(batch_engine, embedder, settings)


@pytest.fixture
def sessions(batch_engine):
    return sessionmaker(bind=batch_engine, expire_on_commit=False)


def _decisions_per_run(session, run_ids):
    rows = session.execute(
        select(AuditRecord.run_id, func.count())
        .where(AuditRecord.event == "decision_recommended", AuditRecord.run_id.in_(run_ids))
        .group_by(AuditRecord.run_id)
    )
    return dict(rows.all())


@pytest.fixture(scope="module")
def first_batch(tmp_path_factory, service, batch_engine):
    """The samples (with monitoring canaries, IDs BATCH-1-0..3) and a junk row, decided once for the module:
    (file, plan, summary). Tests that need a decided batch ask for it, whatever order they run in."""
    sessions = sessionmaker(bind=batch_engine, expire_on_commit=False)
    samples = _samples()
    rows = [{**a, "application_id": f"BATCH-1-{i}", "monitoring": CANARIES} for i, (a, _) in enumerate(samples)]
    rows.append({**samples[0][0], "application_id": "BATCH-1-junk", "credit_score": "junk"})
    path = _write_batch(tmp_path_factory.mktemp("batch") / "first.jsonl", rows)
    plan = plan_batch(path, sessions=sessions)
    return path, plan, execute(plan, InlineEngine(service), sessions=sessions)


def test_a_batch_decides_each_valid_row_once_and_a_rerun_skips_them(first_batch, sessions):
    samples = _samples()
    path, plan, summary = first_batch
    assert len(plan.tasks) == 4 and plan.refused == [
        {"row": 5, "errors": {"credit_score": plan.refused[0]["errors"]["credit_score"]}}
    ]
    assert (summary["status"], summary["decided"], summary["skipped"], summary["refused"]) == ("completed", 4, 0, 1)
    with sessions() as s:
        items = s.scalars(
            select(BatchItem).where(BatchItem.batch_id == plan.batch_id).order_by(BatchItem.row_number)
        ).all()
        runs = [s.get(Run, i.run_id) for i in items]
        assert [r.recommendation for r in runs] == [d for _, d in samples]
        assert all(r.status == "completed" for r in runs) and items[0].monitoring == CANARIES
        assert set(_decisions_per_run(s, [r.id for r in runs]).values()) == {1}
        assert s.get(Batch, plan.batch_id).status == "completed" and verify_chain(s).ok

    again = plan_batch(path, sessions=sessions)
    assert (again.batch_id, again.skipped, again.tasks) == (plan.batch_id, 4, [])


def test_protected_attributes_never_reach_state_traces_or_queries(first_batch, batch_engine):
    """After a batch whose rows carry monitoring canaries: they are in batch_items and nowhere the pipeline writes."""
    with batch_engine.connect() as conn:
        assert (
            "Canary-Race-7Q" in conn.execute(text("SELECT string_agg(monitoring::text, ' ') FROM batch_items")).scalar()
        )
        for table in (
            "applications",
            "runs",
            "agent_traces",
            "retrieval_traces",
            "audit_log",
            "checkpoints",
            "checkpoint_writes",
            "checkpoint_blobs",
        ):
            dump = (
                conn.execute(
                    text(f"SELECT string_agg(encode(convert_to(t::text, 'UTF8'), 'escape'), ' ') FROM {table} t")
                ).scalar()
                or ""
            )
            assert dump, table
            assert not any(value in dump for value in CANARIES.values()), table


def test_a_run_cut_off_mid_row_is_resumed_not_started_again(tmp_path, service, sessions):
    application, expected = _samples()[1]
    path = _write_batch(
        tmp_path / "cut.jsonl", [{**application, "application_id": "BATCH-CUT", "applicant_name": "Cut Off"}]
    )
    plan = plan_batch(path, sessions=sessions)
    (task,) = plan.tasks
    stream = service.run(validate_application(task.application), run_id=task.run_id)
    for _ in range(3):  # started, intake, ratio: then the process "dies"
        next(stream)
    stream.close()
    with sessions() as s:
        assert s.get(Run, task.run_id).status == "running"

    again = plan_batch(path, sessions=sessions)
    assert [(t.run_id, t.resume) for t in again.tasks] == [(task.run_id, True)]
    summary = execute(again, InlineEngine(service), sessions=sessions)
    assert summary["decided"] == 1 and summary["decisions"] == {expected: 1}
    with sessions() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(Run)
                .join(BatchItem, BatchItem.run_id == Run.id)
                .where(BatchItem.batch_id == plan.batch_id)
            )
            == 1
        )
        assert _decisions_per_run(s, [task.run_id]) == {task.run_id: 1}


def _cli(path, env, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "agents.batch", str(path), "--workers", "0", "--json", "--no-progress", *extra],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_decided(sessions, batch_path_id, at_least, proc, deadline_s=240):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        with sessions() as s:
            done = s.scalar(
                select(func.count())
                .select_from(BatchItem)
                .join(Run, Run.id == BatchItem.run_id)
                .where(BatchItem.batch_id == batch_path_id, Run.status == "completed")
            )
        if done >= at_least:
            return done
        time.sleep(0.2)  # polling a condition, with a deadline
    raise AssertionError(f"fewer than {at_least} rows decided within {deadline_s} s")


@pytest.mark.slow
def test_ctrl_c_then_a_kill_mid_batch_then_a_rerun_decides_every_row_exactly_once(
    tmp_path, batch_engine, sessions, settings, owner_engine
):
    from agents.batch.store import batch_id_of

    rows = [
        {**a, "application_id": f"KILL-{i}-{j}", "applicant_name": f"Kill test {i}"}
        for i in range(3)
        for j, (a, _) in enumerate(_samples())
    ]
    path = _write_batch(tmp_path / "kill.jsonl", rows)
    url = owner_engine(DB).url.render_as_string(hide_password=False)  # as DATABASE_URL: the owner's
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "DATABASE_URL": url, "TORCH_THREADS": "1"}
    batch_id = batch_id_of(path)

    first = _cli(path, env)
    _wait_for_decided(sessions, batch_id, 1, first)
    first.send_signal(signal.SIGINT)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 1, err
    assert json.loads(out.strip().splitlines()[-1])["status"] == "stopped"

    second = _cli(path, env)
    before = _wait_for_decided(sessions, batch_id, 1, second)
    _wait_for_decided(sessions, batch_id, before + 2, second)
    second.kill()
    second.wait(timeout=60)

    third = _cli(path, env)
    out, err = third.communicate(timeout=600)
    assert third.returncode == 0, (out[-2000:], err[-2000:])
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["skipped"] >= before + 2 and summary["skipped"] + summary["decided"] == len(rows)
    with sessions() as s:
        items = s.scalars(select(BatchItem).where(BatchItem.batch_id == batch_id)).all()
        assert sorted(i.row_number for i in items) == list(range(1, len(rows) + 1))
        statuses = [s.get(Run, i.run_id).status for i in items]
        assert statuses == ["completed"] * len(rows)
        assert _decisions_per_run(s, [i.run_id for i in items]) == {i.run_id: 1 for i in items}
        assert verify_chain(s).ok


def test_a_dask_local_cluster_underwrites_a_small_batch(tmp_path, owner_engine, sessions, spawnable_main):
    samples = _samples()[:3]
    path = _write_batch(
        tmp_path / "dask.jsonl",
        [{**a, "application_id": f"DASK-{i}", "applicant_name": "On Dask"} for i, (a, _) in enumerate(samples)],
    )
    plan = plan_batch(path, sessions=sessions)
    engine = DaskEngine(1, owner_engine(DB).url.render_as_string(hide_password=False))
    summary = execute(plan, engine, sessions=sessions)
    assert summary["status"] == "completed" and summary["errors"] == 0
    assert summary["decisions"] == {d: sum(1 for _, x in samples if x == d) for _, d in samples}
    with sessions() as s:
        assert s.get(Batch, plan.batch_id).summary["decided"] == 3 and verify_chain(s).ok


def test_an_application_id_already_held_or_repeated_is_refused_by_row(first_batch, sessions, tmp_path):
    application, _ = _samples()[0]
    path = _write_batch(
        tmp_path / "ids.jsonl",
        [
            {**application, "application_id": "BATCH-1-0"},  # held by the first batch's application
            {**application, "application_id": "BATCH-IDS-NEW"},
            {**application, "application_id": "BATCH-IDS-NEW"},
        ],
    )
    plan = plan_batch(path, sessions=sessions)
    assert [t.row_number for t in plan.tasks] == [2]
    assert {r["row"]: r["errors"] for r in plan.refused} == {
        1: {"application_id": "is already used by another application: an ID belongs to one application"},
        3: {"application_id": "repeats an earlier row's application ID"},
    }


def test_runs_from_a_batch_are_ordinary_runs(service, sessions, tmp_path):
    application, expected = _samples()[0]
    path = _write_batch(
        tmp_path / "ordinary.jsonl", [{**application, "application_id": "BATCH-ORDINARY", "applicant_name": "Ordinary"}]
    )
    plan = plan_batch(path, sessions=sessions)
    execute(plan, InlineEngine(service), sessions=sessions)
    finished = list(service.resume(plan.tasks[0].run_id))  # a finished run reports again, like any run
    assert isinstance(finished[-1], RunFinished) and finished[-1].report.recommendation == expected
    with sessions() as s:
        run = s.get(Run, plan.tasks[0].run_id)
        assert run.final_decision is None and run.application.applicant_name == "Ordinary"  # in the officer queue


def test_an_upload_is_listed_under_the_name_the_officer_gave_it(tmp_path, service, sessions):
    """Uploads are stored under their content hash; the Batches table shows the officer's file name,
    and a later upload of the same content under another name resumes the batch without renaming it."""
    from dashboard import portfolio

    application = {**_samples()[0][0], "application_id": "BATCH-NAMED-1"}
    data = json.dumps(application).encode() + b"\n"
    stored = portfolio.save_upload("march pipeline.jsonl", data)
    assert stored.name != "march pipeline.jsonl"
    progress = []
    summary = portfolio.run_file(
        stored,
        service=service,
        sessions=sessions,
        limit=None,
        on_progress=lambda done, total: progress.append((done, total)),
        file_name="march pipeline.jsonl",
    )
    assert summary["decided"] == 1 and progress[-1] == (1, 1)
    again = portfolio.run_file(
        portfolio.save_upload("copy.jsonl", data),
        service=service,
        sessions=sessions,
        limit=None,
        on_progress=lambda *_: None,
        file_name="copy.jsonl",
    )
    assert again["batch_id"] == summary["batch_id"] and again["skipped"] == 1
    listed = portfolio.batches_frame(sessions).set_index("Batch").loc[summary["batch_id"], "File"]
    assert listed == "march pipeline.jsonl"


def _hmda_slice(path, lines, header):
    path.write_text(header + "".join(lines))
    return path


def test_two_different_hmda_files_never_refuse_each_others_rows_and_a_rerun_resumes(tmp_path, service, sessions):
    """Bug: HMDA rows were named HMDA-<row number>, so a second, different file collided with the first on
    every row number they shared ("already used by another application") (issue 21, point 4)."""
    from agents.batch.runner import parse_rows

    committed = PROJECT_ROOT / "seed_data" / "hmda" / "hmda_2022_slice.csv"
    text = committed.read_text().splitlines(keepends=True)
    header, rows = text[0], text[1:]
    usable = [rows[n - 1] for n, _, _ in parse_rows(committed, source="hmda")[0]]
    first = _hmda_slice(tmp_path / "first.csv", usable[:3], header)
    second = _hmda_slice(tmp_path / "second.csv", usable[3:6], header)
    ids = []
    for path in (first, second):
        plan = plan_batch(path, sessions=sessions)
        assert plan.refused == [] and len(plan.tasks) == 3, plan.refused
        ids += [t.application["application_id"] for t in plan.tasks]
        summary = execute(plan, InlineEngine(service), sessions=sessions)
        assert summary["decided"] == 3
    assert len(set(ids)) == 6
    again = plan_batch(second, sessions=sessions)  # the same file again resumes: its rows are decided
    assert (again.skipped, again.tasks, again.refused) == (3, [], [])
    copy = _hmda_slice(tmp_path / "copy of first.csv", usable[:3], header)  # same content, same IDs
    resumed = plan_batch(copy, sessions=sessions)
    assert (resumed.batch_id, resumed.skipped, resumed.refused) == (
        plan_batch(first, sessions=sessions).batch_id,
        3,
        [],
    )


def test_an_empty_or_junk_upload_is_not_kept_under_the_data_folder(tmp_path, service, sessions):
    """Bug: refused junk and 0-byte uploads stayed stored under the data folder (issue 21, point 14)."""
    from agents.batch.reader import BatchFileError
    from dashboard import portfolio

    before = set(portfolio.batches_dir().iterdir())
    with pytest.raises(ValueError, match="the file is empty"):
        portfolio.save_upload("empty.csv", b"")
    junk = portfolio.save_upload("junk.csv", b"\x00\x01\x02 not a csv\n")
    with pytest.raises(BatchFileError):
        portfolio.run_file(junk, service=service, sessions=sessions, limit=None, on_progress=lambda *_: None)
    assert portfolio.discard_unused_upload(sessions, junk) and set(portfolio.batches_dir().iterdir()) == before
    kept = portfolio.save_upload("one.jsonl", json.dumps({**_samples()[0][0], "application_id": "BATCH-KEPT"}).encode())
    portfolio.run_file(kept, service=service, sessions=sessions, limit=None, on_progress=lambda *_: None)
    assert not portfolio.discard_unused_upload(sessions, kept) and kept.is_file()  # a real batch's file stays
    assert not portfolio.discard_unused_upload(sessions, portfolio.HMDA_SLICE)
