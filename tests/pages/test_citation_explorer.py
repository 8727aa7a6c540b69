"""The citation explorer on real runs: stage-by-stage traces, highlighted citations, free questions."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT
from dashboard.retrieval_trace import HIT_COLUMNS
from tests.pages.run_fixtures import clear_caches

pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "citation_explorer.py")
DB = "lg_pages_explorer"
STAGES = (
    "Query rewriting",
    "Dense (pgvector cosine)",
    "BM25 (keywords)",
    "Fused (reciprocal rank fusion)",
    "Diversified (MMR)",
    "Reranked (final)",
    "Stage timings",
)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def open_page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def test_no_runs_and_an_empty_knowledge_base_are_explained(use_db, empty_engine):
    use_db("lg_empty")
    at = open_page()
    assert not at.exception
    assert "No runs yet" in at.info[0].value
    at.radio[0].set_value("A free question").run()
    assert not at.exception
    assert "The knowledge base is empty" in at.info[0].value and not at.text_input


def test_a_runs_agent_shows_every_stage_and_highlighted_citations(use_db, run_ids):
    use_db(DB)
    run_id = run_ids["Lucinda Ferreira-Holt"]
    at = open_page(explorer_run_id=run_id, explorer_agent="policy")
    assert not at.exception
    assert at.selectbox[0].value == run_id and at.selectbox[1].value == "policy"
    assert "Lucinda Ferreira-Holt · conventional · DECLINE" in at.selectbox[0].format_func(run_id)
    text = markdown(at)
    positions = [text.index(stage) for stage in STAGES]
    assert positions == sorted(positions)  # the stages appear in pipeline order
    lookups = at.selectbox[2]
    assert len(lookups.options) > 3 and lookups.value == 0
    rule_id = lookups.format_func(0).split(" — ")[0]
    assert rule_id.startswith(("conventional.", "all.")), rule_id
    reranked = at.dataframe[-2].value
    assert list(reranked.columns) == HIT_COLUMNS and (reranked["Rank"] == range(1, len(reranked) + 1)).all()
    assert reranked["Document"].str.len().min() > 0 and reranked["Page"].ne("").all()

    cited = int(next(s.value for s in at.subheader if s.value.startswith("Citations")).split("(")[1].rstrip(")"))
    assert cited >= 3
    highlighted = [c.value for c in at.caption if c.value.startswith("Highlighted on page")]
    assert len(highlighted) == cited, [w.value for w in at.warning] + [i.value for i in at.info]
    assert "conventional.pdf" in highlighted[0]
    assert len(at.image) == 2 * cited  # the highlighted strip and the whole page, per citation
    assert len(at.expander) == cited + 1 and at.expander[0].label.startswith("Open page")
    # the auditor's order: the cited passages first, the stage-by-stage traces after them, collapsed
    assert at.expander[-1].label.startswith("Stage by stage") and not at.expander[-1].proto.expanded


def test_a_run_opens_on_the_agent_that_drove_the_outcome(use_db, run_ids):
    """The decline was driven by the policy agent (INELIGIBLE): the auditor lands there, not on intake."""
    use_db(DB)
    at = open_page(explorer_run_id=run_ids["Lucinda Ferreira-Holt"])
    assert not at.exception
    assert at.selectbox[1].value == "policy", at.selectbox[1].options
    assert "INELIGIBLE" in at.selectbox[1].format_func("policy")


@pytest.mark.unit
def test_the_driving_agent_is_the_most_severe_deciding_agent():
    from dashboard.explorer import AgentChoice, driving_agent

    choices = [
        AgentChoice("intake", 0, 0, "PROCEED"),
        AgentChoice("ratio", 0, 0, "COMPUTED"),
        AgentChoice("compliance", 3, 2, "WARN"),
        AgentChoice("policy", 5, 3, "FAIL"),
        AgentChoice("decision", 0, 1, "DECLINE"),
        AgentChoice("audit", 0, 0, "UNSUPPORTED"),
    ]
    assert driving_agent(choices) == 3
    assert driving_agent(choices[:3]) == 2
    assert driving_agent([AgentChoice("intake", 0, 0, "PROCEED"), AgentChoice("policy", 2, 1, "PASS")]) == 1


def test_choosing_another_lookup_shows_its_trace(use_db, run_ids):
    use_db(DB)
    at = open_page(last_run_id=run_ids["Dominique Hargreave"], explorer_agent="policy")
    assert at.selectbox[0].value == run_ids["Dominique Hargreave"]
    first_query = at.selectbox[2].format_func(0).split(" — ")[1]
    second_query = at.selectbox[2].format_func(1).split(" — ")[1]
    assert first_query in markdown(at)
    at.selectbox[2].set_value(1).run()
    assert not at.exception
    assert f"Query: **{second_query}**" in markdown(at)


def test_an_agent_without_lookups_says_so(use_db, run_ids):
    use_db(DB)
    at = open_page(explorer_run_id=run_ids["Maribel Okafor"], explorer_agent="intake")
    assert not at.exception
    assert any("intake agent made no policy lookups" in i.value for i in at.info)
    assert any("intake agent cited no policy passages" in i.value for i in at.info)


def test_a_free_question_is_answered_with_a_citation_and_its_trace(use_db, run_ids):
    use_db(DB)
    at = open_page()
    at.radio[0].set_value("A free question").run()
    at.text_input[0].set_value("What is the minimum credit score for a conventional loan?").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Answer", "Retrieval trace"]
    text = markdown(at)
    assert "> The minimum credit score for a conventional loan is 620." in text
    assert "**Conventional" in text and "· page 3" in text
    assert any(c.value == "Highlighted on page 3 of conventional.pdf." for c in at.caption)
    assert all(stage in text for stage in STAGES)
    assert "Query: **What is the minimum credit score for a conventional loan?**" in text


def test_unreachable_database_is_explained(use_db, monkeypatch):
    use_db("unused")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    clear_caches()
    at = open_page()
    assert not at.exception
    assert "cannot read the database" in at.error[0].value
