"""The RAGAS page on a real (embedded) database: no runs, stored runs (trend, alert, drill-down, A/B, drift),
running an evaluation from the page, and an unreachable database."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import AgentTrace, Application, EvalRun, EvalSample, Run
from core.settings import PROJECT_ROOT
from rag.evaluation.dataset import DEFAULT_DATASET

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "ragas_runs.py")
JUDGE = "openai:gpt-4o-mini"


@pytest.fixture
def app_env(monkeypatch, settings):
    """Point the app's settings at a database on the test server; clear every cached resource."""
    from agents import service
    from core import db
    from core import settings as settings_mod
    from dashboard import resources
    from rag import embeddings
    from rag.retrieval import pipeline

    def clear():
        for cached in (
            settings_mod.get_settings,
            db.get_engine,
            db.get_sessionmaker,
            embeddings.get_embedder,
            pipeline.get_retriever,
            service.get_service,
        ):
            cached.cache_clear()
        resources.session_factory.clear()
        resources.embedder.clear()

    def use(database: str):
        monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("DATABASE_NAME", database)
        monkeypatch.setenv("DATABASE_URL", "")
        clear()

    yield use
    clear()


def sample(qid: str, scores: dict, answerable: bool = True) -> EvalSample:
    return EvalSample(
        question_id=qid,
        kind="exact_figure",
        answerable=answerable,
        question=f"Question {qid}?",
        answer=f"Answer {qid}.",
        reference=f"Reference {qid}.",
        contexts=[
            {
                "rank": 1,
                "chunk_id": 7,
                "text": f"Chunk text for {qid}.",
                "label": "FHA Guide, p. 3",
                "doc_name": "FHA Guide",
                "page_num": 3,
            }
        ],
        reference_contexts=[{"doc_name": "FHA Guide", "page_num": 3, "section": "3.1", "context": "ctx"}],
        scores=scores,
    )


def eval_run(at: datetime, judge: str, metrics: dict, samples: list[EvalSample]) -> EvalRun:
    info = {
        k: {
            "metric": k.split("@")[0],
            "judge": judge if "@" in k else "none",
            "embedding_model": "all-MiniLM-L6-v2",
            "n": len(samples),
        }
        for k in metrics
    }
    return EvalRun(
        created_at=at,
        dataset="seed_data/loan_eval_dataset.json",
        n_questions=len(samples),
        judge=judge,
        embedding_model="all-MiniLM-L6-v2",
        config={"k": 5},
        corpus_version="abc",
        git_commit="deadbeef",
        metrics=metrics,
        metric_info=info,
        samples=samples,
    )


@pytest.fixture(scope="module")
def with_runs_db(clone_seeded):
    """Two stored runs (an offline one, then a judged one whose faithfulness is below 0.7) and drift scores."""
    engine = clone_seeded("lg_ragas_runs")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    faith = f"faithfulness@{JUDGE}"
    with Session(engine) as s:
        s.add(
            eval_run(
                start,
                "none",
                {"recall_at_5": 0.8, "mrr": 0.6},
                [sample("q001", {"recall_at_5": 1.0, "mrr": 1.0}), sample("q002", {"recall_at_5": 0.6, "mrr": 0.2})],
            )
        )
        judged = eval_run(
            start + timedelta(days=1),
            JUDGE,
            {"recall_at_5": 0.9, "mrr": 0.7, faith: 0.55},
            [
                sample("q001", {"recall_at_5": 1.0, "mrr": 1.0, faith: 0.5}),
                sample("q002", {"recall_at_5": 0.8, "mrr": 0.4, faith: 0.6}),
            ],
        )
        s.add(judged)
        s.add(
            Application(
                id="app-1",
                applicant_name="A. Borrower",
                ssn_masked="***-**-1234",
                ssn_hash="h" * 64,
                loan_type="fha",
                loan_amount=300000,
                data={},
            )
        )
        s.add(Run(id="run-1", application_id="app-1", status="completed"))
        s.add_all(
            [
                AgentTrace(
                    run_id="run-1",
                    agent=agent,
                    seq=i,
                    provider="offline",
                    model="policy-engine",
                    status="ok",
                    verdict={},
                    faithfulness=f,
                )
                for i, (agent, f) in enumerate([("policy", 1.0), ("compliance", 0.5), ("decision", 0.75)])
            ]
        )
        s.commit()
        judged_id = judged.id  # ids come from a sequence the template database has already advanced
    engine.dispose()
    return "lg_ragas_runs", judged_id


def test_no_runs_yet_explains_how_to_start(app_env, empty_engine):
    app_env("lg_empty")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert any("No evaluation runs yet" in i.value for i in at.info)
    assert any("No Audit faithfulness scores yet" in i.value for i in at.info)
    assert any("`make distill`" in i.value for i in at.info)  # the local narrator's empty state
    assert at.button[0].label == "Run evaluation"


def test_the_local_narrators_evaluation_is_shown(app_env, empty_engine, settings):
    stored = {
        "n": 90,
        "evaluated_at": "2026-11-29T14:00:00Z",
        "headline": {"student_share_of_teacher": 0.87},
        "training": {"wall_s": 2400.0, "steps": 128, "device": "cpu"},
        "models": {
            "base": {"n": 90, "number_faithfulness": 0.4, "rouge_l": 0.2, "quality": 0.3},
            "student": {"n": 90, "number_faithfulness": 0.95, "rouge_l": 0.8, "quality": 0.87},
            "offline_narrator": {"n": 90, "number_faithfulness": 1.0, "rouge_l": 1.0, "quality": 1.0},
        },
    }
    path = settings.data_dir / "distill" / "evaluation.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored))
    try:
        app_env("lg_empty")
        at = AppTest.from_file(PAGE, default_timeout=120).run()
    finally:
        path.unlink()
    assert not at.exception
    assert any("Student quality is **87%** of the teacher's" in c.value for c in at.caption)
    table = at.dataframe[-1].value
    assert list(table["Model"]) == ["Base (SmolLM2-135M)", "Student (+ LoRA)", "Teacher (offline narrator)"]
    assert list(table["Number faithfulness"]) == [0.4, 0.95, 1.0]


def test_stored_runs_show_trend_alert_drilldown_comparison_and_drift(app_env, with_runs_db):
    database, judged_id = with_runs_db
    app_env(database)
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Eval run #{judged_id}: faithfulness 0.550 (judge {JUDGE}) is below the threshold 0.70."
    ]
    assert at.multiselect[0].value == [f"faithfulness · judge {JUDGE} · all-MiniLM-L6-v2"]
    latest = at.dataframe[0].value
    assert latest["Metric"].tolist() == ["recall_at_5", "mrr", "faithfulness"]
    assert latest["Judge"].tolist() == ["none", "none", JUDGE]
    per_question = at.dataframe[1].value
    assert per_question["Question id"].tolist() == ["q001", "q002"]
    assert per_question[f"faithfulness@{JUDGE}"].tolist() == [0.5, 0.6]
    assert any("Chunk text for q001." in t.value for t in at.text)
    scores = at.dataframe[2].value  # the chosen question's scores: a table, not raw JSON
    assert scores["Metric"].tolist()[-1] == f"faithfulness@{JUDGE}" and scores["Score"].tolist()[-1] == 0.5
    compared = at.dataframe[3].value.set_index("Metric")
    assert compared.loc["mrr", "Delta (B - A)"] == pytest.approx(0.1)
    assert f"faithfulness@{JUDGE}" not in compared.index  # the offline run has no judged score
    deltas = at.dataframe[4].value
    assert deltas["Question id"].tolist() == ["q002", "q001"]  # recall_at_5: q002 moved by 0.2, q001 by 0
    assert deltas["Delta (B - A)"].tolist() == pytest.approx([0.2, 0.0])
    assert any("3 scores from 1 pipeline runs" in c.value for c in at.caption)

    at.sidebar.number_input[0].set_value(0.5).run()
    assert not at.error  # 0.55 is above a 0.5 threshold


def test_running_an_evaluation_from_the_page_stores_a_run(app_env, clone_seeded, tmp_path, monkeypatch):
    monkeypatch.setattr("rag.evaluation.dataset.DATASETS_DIR", tmp_path)  # the box reads only this folder
    clone_seeded("lg_ragas_flow").dispose()
    raw = json.loads(DEFAULT_DATASET.read_text())
    raw["questions"] = [q for q in raw["questions"] if q["id"] in ("q001", "q046")]
    (tmp_path / "two.json").write_text(json.dumps(raw))
    app_env("lg_ragas_flow")
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    assert any("No evaluation runs yet" in i.value for i in at.info)
    at.text_input[0].set_value(str(tmp_path / "two.json"))
    at.button[0].click().run()
    assert not at.exception
    assert re.match(r"Stored eval run #\d+: 2 questions in \d+ s\.", at.success[0].value)
    assert at.dataframe[0].value["Metric"].tolist()[:2] == ["recall_at_5", "mrr"]
    assert any("is offline: faithfulness needs a judge" in c.value for c in at.caption)


def test_a_missing_eval_set_is_explained(app_env, empty_engine, tmp_path):
    app_env("lg_empty")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.text_input[0].set_value("seed_data/nope.json")
    at.button[0].click().run()
    assert not at.exception
    assert at.error[0].value.startswith("**The evaluation did not run.** eval dataset not found")


@pytest.mark.parametrize("name", ["/etc/passwd", "seed_data/../README.md", "../../etc/hosts.json", "seed_data/rules"])
def test_the_eval_set_box_reads_only_json_under_the_datasets_folder(app_env, empty_engine, tmp_path, name):
    outside = tmp_path / "secret.json"
    outside.write_text('{"questions": []}')
    app_env("lg_empty")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    for given in (name, str(outside)):
        at.text_input[0].set_value(given)
        at.button[0].click().run()
        assert not at.exception
        assert at.error[0].value == "**The evaluation did not run.** the eval set must be a .json file under seed_data/"


def test_an_unreachable_database_is_explained(monkeypatch, app_env):
    app_env("unused")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    from core import settings as settings_mod

    settings_mod.get_settings.cache_clear()
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert "Evaluation runs are not available" in at.error[0].value
