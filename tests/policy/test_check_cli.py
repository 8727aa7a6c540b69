"""`python -m policy check` on a real corpus: our rulebook verifies; a new version of a guide with a threshold
sentence reworded (same value) still verifies; with another value it is reported as changed (exit 1), while
decisions keep the published rulebook and its pinned document versions until someone publishes."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy.orm import sessionmaker

from core.settings import PROJECT_ROOT
from policy import cli
from policy.publication import latest
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration

check_engine = seeded_clone("lg_policy_check")
SENTENCE = "The minimum credit score for a conventional loan is 620."


def render_version(tmp_path, monkeypatch, sentence: str, version: str):
    """Our conventional guide re-rendered with one sentence replaced, as a new version, into tmp_path."""
    from seed_data.policies import render as renderer

    src = (PROJECT_ROOT / "seed_data" / "policies" / "src" / "conventional.md").read_text(encoding="utf-8")
    assert SENTENCE in src
    changed = src.replace(SENTENCE, sentence).replace('version: "4.1"', f'version: "{version}"')
    folder = tmp_path / version
    folder.mkdir()
    (folder / "conventional.md").write_text(changed, encoding="utf-8")
    monkeypatch.setattr(renderer, "HERE", folder)
    return renderer.render(folder / "conventional.md")


def ingest(pdf, engine, embedder, settings):
    from rag.ingest import ingest_paths

    reports = ingest_paths([pdf], session_factory=sessionmaker(bind=engine), embedder=embedder, settings=settings)
    assert [r.status for r in reports] == ["new version"], [r.line() for r in reports]


def run_check(monkeypatch, engine, capsys) -> tuple[int, dict]:
    monkeypatch.setattr(cli, "_sessions", lambda: sessionmaker(bind=engine))
    code = cli.check(["--json"])
    return code, json.loads(capsys.readouterr().out)


def status_of(report: dict, rule_id: str) -> dict:
    return next(r for r in report["rules"] if r["rule_id"] == rule_id)


def test_our_rulebook_verifies_every_rule_against_our_corpus(seeded_engine, monkeypatch, capsys):
    # the untouched seeded corpus (a check only reads); this module's clone gets new guide versions
    code, report = run_check(monkeypatch, seeded_engine, capsys)
    assert code == 0 and report["passed"] and report["counts"] == {"verified": len(report["rules"])}
    assert report["inventory"]["sentences"] > 500 and report["inventory"]["missing"] == []


def test_a_reworded_sentence_verifies_and_another_value_is_reported_changed(
    check_engine, embedder, settings, tmp_path, monkeypatch, capsys
):
    sessions = sessionmaker(bind=check_engine)
    with sessions() as s:
        before = latest(session=s)
    reworded = "Conventional borrowers must have a credit score of at least 620."
    ingest(render_version(tmp_path, monkeypatch, reworded, "4.2"), check_engine, embedder, settings)
    code, report = run_check(monkeypatch, check_engine, capsys)
    rule = status_of(report, "conventional.min_credit_score")
    assert rule["status"] == "verified" and rule["reworded"], rule
    assert rule["citation"]["quote"] == reworded and rule["citation"]["page_num"] >= 2
    # every other rule still verifies; the inventory's old sentence is gone, so a person must classify the new one
    assert report["counts"] == {"verified": len(report["rules"])}
    assert code == 1 and [m["doc"] for m in report["inventory"]["missing"]] == ["conventional"]

    ingest(
        render_version(tmp_path, monkeypatch, SENTENCE.replace("620", "640"), "4.3"), check_engine, embedder, settings
    )
    code, report = run_check(monkeypatch, check_engine, capsys)
    rule = status_of(report, "conventional.min_credit_score")
    assert code == 1 and not report["passed"] and rule["status"] == "value_changed", rule
    assert re.search(r"640", rule["detail"])
    with sessions() as s:  # ingesting made candidates only: decisions keep the published policy
        assert latest(session=s).id == before.id and latest(session=s).document_ids == before.document_ids
