"""The Policy page: the published rulebook with its citations, a candidate checked, the approver required
to publish, and a publication recorded with who made it; the empty state with nothing published."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from streamlit.testing.v1 import AppTest

from core.models import PolicyPublication
from core.settings import PROJECT_ROOT
from dashboard.policy_diff import rulebook_diff, sentence_diff
from dashboard.policy_view import NO_PUBLICATION
from policy.rules import load_rules
from tests.agents.support import with_min_score
from tests.conftest import seeded_clone

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "policy.py")
DB = "lg_pages_policy"
GAPS_DB = "lg_pages_policy_gaps"  # the gaps test publishes a rulebook: on its own copy, so order does not matter

policy_engine = seeded_clone(DB)
gaps_engine = seeded_clone(GAPS_DB)


def open_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=180).run()


def test_nothing_published_is_explained(use_db, empty_engine):
    use_db("lg_empty")
    at = open_page()
    assert not at.exception, at.exception
    assert NO_PUBLICATION in at.warning[0].value


def test_the_rulebook_renders_and_publishing_needs_an_approver(use_db, policy_engine):
    use_db(DB)
    at = open_page()
    assert not at.exception, at.exception
    rules = at.dataframe[0].value
    assert len(rules) == len(load_rules()) and set(rules["Status"]) == {"verified"}
    row = rules[rules["Rule"] == "conventional.min_credit_score"].iloc[0]
    assert (row["Document"], row["Page"], row["Value"]) == ("conventional", 3, "620 score")
    assert row["Sentence"] == "The minimum credit score for a conventional loan is 620."
    at.multiselect(key="policy_programs").set_value(["fha"]).run()
    assert set(at.dataframe[0].value["Program"]) == {"fha"}

    at.button(key="policy_check").click().run()
    assert not at.exception, at.exception
    assert any("Every rule and inventory sentence is verified" in s.value for s in at.success)
    at.button(key="policy_impact").click().run()
    assert any("No completed runs to re-decide yet" in i.value for i in at.info)
    at.button(key="policy_publish").click().run()
    assert any("approver's name" in e.value for e in at.error)
    with sessionmaker(bind=policy_engine)() as s:
        first = s.scalar(select(PolicyPublication.id).order_by(PolicyPublication.id.desc()))
        assert s.scalar(select(func.count()).select_from(PolicyPublication)) == 1  # nothing new

    at.text_input(key="policy_approver").input("Dana Policy").run()
    at.button(key="policy_publish").click().run()
    assert not at.exception, at.exception
    with sessionmaker(bind=policy_engine)() as s:
        row = s.scalars(select(PolicyPublication).order_by(PolicyPublication.id.desc())).first()
    # the new id is the sequence's next one, wherever the template's sequence stood when it was copied
    assert row.id > first and (row.approver, row.how) == ("Dana Policy", "published")
    assert any(f"Published as publication {row.id} by Dana Policy" in s.value for s in at.success)
    history = at.dataframe[1].value
    assert history["Approver"].tolist()[:2] == ["Dana Policy", "LoanGraph first start (seed rulebook, check passed)"]


def test_the_diff_names_a_changed_value_and_changed_sentences():
    changes = rulebook_diff(load_rules(), with_min_score(660))
    assert [(c.rule_id, c.change, c.before, c.after) for c in changes] == [
        ("conventional.min_credit_score", "value changed", "620 score", "660 score")
    ]
    old = ["The minimum credit score for a conventional loan is 620.", "Cash-out is not allowed."]
    new = ["The minimum credit score for a conventional loan is 660.", "Escrow is required."]
    assert [c.change for c in sentence_diff(old, new)] == ["changed", "removed", "added"]


def test_a_candidate_with_gaps_needs_a_reason_and_the_reason_is_recorded(use_db, gaps_engine):
    from dashboard import policy_data
    from dashboard.policy_view import CANDIDATE
    from policy.rules import dump_rulebook

    use_db(GAPS_DB)
    factory = sessionmaker(bind=gaps_engine)
    raised = dump_rulebook(with_min_score(660), name="min 660").encode()  # the guide still says 620
    rules, name = policy_data.read_rulebook(raised)
    report = policy_data.check(factory, rules)
    assert name == "min 660" and [c.rule_id for c in report.gaps] == ["conventional.min_credit_score"]
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state[CANDIDATE] = {"rules": rules, "name": name, "report": report, "source": "upload"}
    at.run()
    assert not at.exception, at.exception
    gaps = next(d.value for d in at.dataframe if "Nearest passage" in d.value.columns)
    assert gaps["Rule"].tolist()[0] == "conventional.min_credit_score"
    assert "value_changed" in set(gaps["Status"])
    changes = next(d.value for d in at.dataframe if "Change" in d.value.columns)
    assert changes[["Rule", "Change", "Before", "After"]].values.tolist() == [
        ["conventional.min_credit_score", "value changed", "620 score", "660 score"]
    ]
    at.text_input(key="policy_approver").input("Dana Policy").run()
    at.button(key="policy_publish").click().run()
    assert any("give a reason to accept the gaps" in e.value for e in at.error)
    at.text_area(key="policy_reason").input("guide update pending").run()
    at.button(key="policy_publish").click().run()
    assert not at.exception and any("by Dana Policy" in s.value for s in at.success)
    with factory() as s:
        row = s.scalars(select(PolicyPublication).order_by(PolicyPublication.id.desc())).first()
        assert (row.name, row.accept_reason) == ("min 660", "guide update pending")


def test_a_file_that_is_not_a_rulebook_is_refused_in_one_line():
    from core.errors import ConfigurationError
    from dashboard.policy_data import read_rulebook

    with pytest.raises(ConfigurationError, match="not a rulebook"):
        read_rulebook(b"{not json")
    with pytest.raises(ConfigurationError, match="not a rulebook"):
        read_rulebook(b'{"name": "x"}')
