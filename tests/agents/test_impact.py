"""`policy impact`: a candidate that raises conventional's minimum credit score from 620 to 660 (after a new
version of the guide says so) flips exactly the stored files scored from 620 to 659, and nothing decides
under it until a person publishes it."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from sqlalchemy.orm import sessionmaker

from agents.impact import impact, last_runs
from agents.impact_cli import main as impact_main
from agents.redecide import candidate
from dashboard.policy_diff import document_diffs
from policy.publication import PublishRefused, latest, publish
from policy.rules import Value, dump_rulebook, load_rules
from rag.ingest import ingest_paths
from tests.agents.support import BASE, app, make_service
from tests.conftest import seeded_clone
from tests.revised_guide import conventional_min_score

pytestmark = pytest.mark.integration

impact_engine = seeded_clone("lg_policy_impact")
SCORES = (610, 625, 640, 655, 660, 675, 700)
RULE = "conventional.min_credit_score"


@pytest.fixture(scope="module")
def service(impact_engine, embedder, settings):
    return make_service(impact_engine, embedder, settings)


def decide(service, **changes) -> tuple[str, str]:
    events = list(service.run(app(**changes)))
    return events[0].run_id, events[-1].report.recommendation


def raised(score: int):
    return tuple(
        dataclasses.replace(r, values={"value": Value(Decimal(score), "score")}) if r.id == RULE else r
        for r in load_rules()
    )


def test_a_raised_minimum_score_flips_exactly_the_files_between_the_two_scores(
    service, impact_engine, embedder, settings, tmp_path
):
    runs = {score: decide(service, credit_score=score) for score in SCORES}
    assert {s: rec for s, (_, rec) in runs.items()} == {610: "DECLINE", **{s: "APPROVE" for s in SCORES if s >= 620}}
    sessions = sessionmaker(bind=impact_engine, expire_on_commit=False)
    (report,) = ingest_paths(
        [conventional_min_score(660, tmp_path)], session_factory=sessions, embedder=embedder, settings=settings
    )
    assert report.status == "new version", report.line()

    with sessions() as s:
        published = latest(session=s)
        proposed = candidate(raised(660), session=s)
        items = last_runs(s, 50)
    assert proposed.checks[RULE]["status"] == "verified"  # the candidate's 660 is what the new text says
    with sessions() as s:
        (diff,) = document_diffs(session=s)  # the Policy page's sentence diff between the two stored versions
    assert (diff.document, diff.old_version, diff.new_version) == ("conventional", "4.1", "4.2")
    assert [(c.change, c.before, c.after) for c in diff.changes] == [
        (
            "changed",
            "The minimum credit score for a conventional loan is 620.",
            "The minimum credit score for a conventional loan is 660.",
        ),
        ("changed", "Minimum credit score 620", "Minimum credit score 660"),
    ]  # the summary table's row
    assert proposed.corpus_version != published.corpus_version
    result = impact(proposed, items, context=service.context, current=published)

    between = {runs[s][0] for s in SCORES if 620 <= s < 660}
    assert result.decided == len(items) >= len(SCORES) and not result.errors
    assert {f.label for f in result.flips} == between
    assert {(f.before, f.after) for f in result.flips} == {("APPROVE", "DECLINE")}
    assert all(RULE in f.moved_by for f in result.flips)
    assert result.by_program["conventional"]["flipped"] == len(between)

    # nothing decides under the candidate until a publish
    assert decide(service, credit_score=640)[1] == "APPROVE"
    with sessions() as s, pytest.raises(PublishRefused, match="inventory conventional.016: sentence missing"):
        publish(raised(660), session=s, approver="Dana Policy", name="min score 660")  # the inventory still says 620
    with sessions.begin() as s:
        publish(
            raised(660),
            session=s,
            approver="Dana Policy",
            name="min score 660",
            accept_gaps="inventory sentences to be updated with the new minimum",
        )
    assert decide(service, credit_score=640)[1] == "DECLINE"


def test_the_command_prints_a_table_and_one_json_object(service, impact_engine, tmp_path, monkeypatch, capsys):
    import agents.service

    for score in (700, 675):  # the two runs `--last 2` reads, whichever test ran first (neither flips at 660)
        decide(service, credit_score=score)
    book = tmp_path / "book.json"
    book.write_text(dump_rulebook(raised(700), name="min 700"), encoding="utf-8")
    monkeypatch.setattr(agents.service, "get_service", lambda: service)
    from core import db

    monkeypatch.setattr(db, "get_sessionmaker", lambda: sessionmaker(bind=impact_engine))
    assert impact_main([str(book), "--last", "2", "--json"]) == 0
    out = capsys.readouterr().out
    last = json.loads(out.strip().splitlines()[-1])
    assert set(last) >= {"candidate", "decided", "flipped", "flips", "by_program"}
    assert last["decided"] == 2 and "| program | decided | flipped |" in out


def test_monitoring_data_gives_approval_rate_and_adverse_impact_before_and_after():
    from agents.impact import fairness_change

    # group A: 40 approved before and after; group B: 40 approved before, 20 declined after
    outcomes = (
        [({"race": "A"}, "APPROVE", "APPROVE")] * 40
        + [({"race": "B"}, "APPROVE", "APPROVE")] * 20
        + [({"race": "B"}, "APPROVE", "DECLINE")] * 20
    )
    rows = {g.group: g for g in fairness_change(outcomes)}
    assert (rows["B"].before_rate, rows["B"].after_rate) == (1.0, 0.5)
    assert (rows["B"].before_air, rows["B"].after_air, rows["B"].after_flag) == (1.0, 0.5, True)
    assert fairness_change([(None, "APPROVE", "DECLINE")]) == []


def test_a_batch_file_is_read_with_its_monitoring_data_split_off(tmp_path):
    from agents.impact_cli import read_batch

    path = tmp_path / "apps.json"
    path.write_text(json.dumps([{**BASE, "race": "Asian", "sex": "Female"}, {**BASE, "credit_score": "x"}]))
    items, refused = read_batch(path)
    assert len(items) == 1 and items[0][2] == {"race": "Asian", "sex": "Female"}
    assert "race" not in items[0][1] and "ssn" not in items[0][1]
    assert refused and refused[0]["row"] == 2
