"""Publishing with gaps accepts them by name: the officer's reviewed list, not every gap a later check finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from core.errors import LoanGraphError
from policy import cli
from policy.publication import PublishRefused, latest, publish
from policy.rules import rule_to_data
from tests.agents.support import with_min_score
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration

# a copy of the seeded database: a publication rolled back still advances the id sequence, and every later
# copy of the template would start from there
accepts_engine = seeded_clone("lg_policy_accepts")


@pytest.fixture
def seeded_db(accepts_engine):
    """Sessions on the copy (what a test publishes there stays for the module's later tests, which do not
    depend on it: each checks against the corpus, not against earlier publications)."""
    return sessionmaker(bind=accepts_engine, expire_on_commit=False)


CHANGED = "conventional.min_credit_score"  # the rulebook says 660, the policy text 620: a gap


def test_the_gaps_named_are_published_with_the_reason(seeded_db):
    with seeded_db.begin() as s:
        published, report = publish(
            with_min_score(660),
            session=s,
            approver="Dana Policy",
            name="raise",
            accept_gaps="text due",
            accepted=[CHANGED],
        )
    assert report.gap_ids() == (CHANGED,)
    assert [g["rule_id"] for g in published.accepted_gaps] == [CHANGED] and published.accept_reason == "text due"


def test_a_gap_the_officer_did_not_name_is_refused_and_nothing_is_published(seeded_db):
    with seeded_db() as s:
        before = latest(session=s).id
    # reviewed when only the inventory was short, say; the rule's new gap was never seen by the approver
    with seeded_db.begin() as s, pytest.raises(PublishRefused, match=f"did not accept \\({CHANGED}\\)") as refused:
        publish(with_min_score(660), session=s, approver="Dana Policy", name="raise", accept_gaps="ok", accepted=[])
    assert refused.value.not_accepted == (CHANGED,)
    with seeded_db() as s:
        assert latest(session=s).id == before


def test_an_id_that_names_nothing_is_an_error_not_an_acceptance(seeded_db):
    with (
        seeded_db.begin() as s,
        pytest.raises(LoanGraphError, match="no rule or inventory sentence has the id: convntional"),
    ):
        publish(
            with_min_score(660),
            session=s,
            approver="Dana Policy",
            name="raise",
            accept_gaps="text due",
            accepted=[CHANGED, "convntional.min_credit_score"],
        )


def _rulebook(tmp_path: Path) -> Path:
    path = tmp_path / "raised.json"
    path.write_text(json.dumps({"name": "raised", "rules": [rule_to_data(r) for r in with_min_score(660)]}))
    return path


def test_the_cli_names_each_accepted_gap_and_refuses_one_left_out(seeded_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_sessions", lambda: seeded_db)
    book = _rulebook(tmp_path)
    args = ["publish", str(book), "--approver", "Dana Policy", "--accept-gaps", "text due"]
    assert cli.publish(args[1:] + ["--accept", "conventional.016"]) == 1  # an inventory id, not the rule's gap
    assert f"did not accept ({CHANGED})" in capsys.readouterr().err
    assert cli.publish(args[1:] + ["--accept", CHANGED]) == 0
    assert "gap(s) accepted: text due" in capsys.readouterr().out


def test_the_cli_wants_a_reason_with_named_gaps(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.publish([str(_rulebook(tmp_path)), "--approver", "Dana Policy", "--accept", CHANGED])
    assert exit_.value.code == 2 and "--accept needs --accept-gaps REASON" in capsys.readouterr().err


def test_a_slot_the_rulebook_does_not_state_is_accepted_by_its_id(seeded_db):
    """A lender's drafted rulebook leaves out what its guide does not state: the gap is the engine's slot."""
    rules = tuple(r for r in with_min_score(660) if r.id != "conventional.max_dti")
    with seeded_db.begin() as s:
        published, report = publish(
            rules,
            session=s,
            approver="Dana Policy",
            name="lean",
            accept_gaps="not ours",
            accepted=[CHANGED, "conventional.max_dti"],
        )
    assert set(report.gap_ids()) == {CHANGED, "conventional.max_dti"}
    assert {g["rule_id"] for g in published.accepted_gaps} == {CHANGED, "conventional.max_dti"}
