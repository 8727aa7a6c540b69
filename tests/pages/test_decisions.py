"""The decisions page on real runs: filters, CSV export, one run in full, and the way to its citations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from agents.officer import decide
from agents.runs import RunRow
from core.models import AuditRecord, Run
from core.settings import PROJECT_ROOT
from dashboard.run_tables import RUN_COLUMNS, age, frame_csv, runs_frame
from tests.pages.run_fixtures import clear_caches, underwrite_samples


def resources_factory():
    from core.db import get_sessionmaker

    return get_sessionmaker()


pytestmark = pytest.mark.integration
PAGE = str(PROJECT_ROOT / "pages" / "decisions.py")
DB = "lg_pages_decisions"
DECIDING_DB = "lg_pages_decisions_deciding"
REDECIDING_DB = "lg_pages_decisions_redeciding"


@pytest.fixture(scope="module")
def deciding_run_ids(clone_seeded, embedder, settings):
    """The same sample runs in a database of their own, for the tests that record decisions: the runs in DB,
    which the other tests read, stay undecided whatever order the tests run in."""
    engine = clone_seeded(DECIDING_DB)
    yield underwrite_samples(engine, embedder, settings)
    engine.dispose()


@pytest.fixture(scope="module")
def redeciding_run_ids(clone_seeded, embedder, settings):
    """The sample runs once more, for the tests that change a decision on file (Maribel Okafor's, undecided;
    Lucinda Ferreira-Holt's, overridden to REFER), apart from the work-queue tests' runs."""
    engine = clone_seeded(REDECIDING_DB)
    yield underwrite_samples(engine, embedder, settings)
    engine.dispose()


def open_page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def applicants(at: AppTest) -> list[str]:
    return at.dataframe[0].value["Applicant"].tolist()


def queue(at: AppTest) -> list[str]:
    """The applicants in the work queue (none when the page says nothing is waiting)."""
    tables = [d.value for d in at.dataframe if "Applicant" in d.value.columns]
    return tables[0]["Applicant"].tolist() if tables else []


def test_no_runs_yet_is_explained(use_db, empty_engine):
    use_db("lg_empty")
    at = open_page()
    assert not at.exception
    assert "Nothing is waiting for a decision" in at.info[0].value and not at.dataframe
    at.segmented_control(key="dec_view").set_value("All runs").run()
    assert "No runs yet" in at.info[0].value and not at.dataframe


def test_the_work_queue_is_the_default_view_and_all_runs_filter(use_db, run_ids):
    use_db(DB)
    at = open_page()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == RUN_COLUMNS
    assert applicants(at) == ["Maribel Okafor", "Dominique Hargreave"]  # awaiting a decision, oldest first
    assert set(table["Final decision"]) == {""}

    at.segmented_control(key="dec_view").set_value("All runs").run()
    table = at.dataframe[0].value
    assert applicants(at) == ["Dominique Hargreave", "Lucinda Ferreira-Holt", "Maribel Okafor"]  # newest first
    assert table.set_index("Applicant").loc["Lucinda Ferreira-Holt", ["Recommendation", "Final decision"]].tolist() == [
        "DECLINE",
        "REFER",
    ]
    assert (table["Run total (s)"] > 0).all() and (table["Errors"] == 0).all()

    at.selectbox[0].set_value("fha").run()
    assert applicants(at) == ["Dominique Hargreave"]
    at.selectbox[0].set_value("All")
    at.selectbox[1].set_value("DECLINE").run()
    assert applicants(at) == ["Lucinda Ferreira-Holt"]
    at.selectbox[1].set_value("All")
    at.text_input[0].set_value("okafor").run()
    assert applicants(at) == ["Maribel Okafor"]
    at.selectbox[0].set_value("va").run()
    assert not at.exception and not at.dataframe, (at.info, at.dataframe[0].value)
    assert "No runs match these filters" in at.info[0].value


@pytest.mark.unit
def test_the_csv_export_is_the_table_with_formulas_neutralised():
    """Bug: a name starting with = went into the CSV export unescaped (spreadsheet formula injection)."""
    row = RunRow(
        "r-1",
        datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        '=HYPERLINK("x")',
        "va",
        250000.0,
        "completed",
        "APPROVE",
        None,
        1234.0,
        0.0021,
        1,
        "@BR-1",
    )
    frame = runs_frame([row], now=datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    lines = frame_csv(frame).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(RUN_COLUMNS)
    assert (
        lines[1]
        == '"\'=HYPERLINK(""x"")",\'@BR-1,va,250000.0,APPROVE,,,,,2 h,2026-11-02 09:30:00,completed,1.23,0.0021,1,r-1'
    )
    assert frame.loc[0, "Applicant"] == '=HYPERLINK("x")'  # the page shows the name as typed


@pytest.mark.unit
def test_the_csv_is_utf8_with_a_bom_and_carries_the_officer_the_time_and_the_reason():
    """Bug: the CSV was UTF-8 without a byte-order mark (Excel on Windows garbled "Zoë 王小明") and had no
    officer, decided-at or reason columns (issue 21, point 16)."""
    row = RunRow(
        "r-2",
        datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        "Zoë 王小明",
        "fha",
        300000.0,
        "completed",
        "APPROVE",
        "REFER",
        900.0,
        0.001,
        0,
        "BR-9",
        "Jordan Reyes",
        datetime(2026, 11, 2, 10, 5, tzinfo=UTC),
        "Pay stubs are missing, refer.",
    )
    data = frame_csv(runs_frame([row], now=datetime(2026, 11, 2, 12, 0, tzinfo=UTC)))
    assert data.startswith(b"\xef\xbb\xbf") and "Zoë 王小明" in data.decode("utf-8-sig")
    header, line = data.decode("utf-8-sig").splitlines()
    assert header.split(",")[5:9] == ["Final decision", "Officer", "Decided at", "Reason"]
    assert 'REFER,Jordan Reyes,2026-11-02 10:05:00 UTC,"Pay stubs are missing, refer."' in line


@pytest.mark.unit
def test_ages_read_as_an_officer_reads_a_queue():
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert [age(start, start + delta) for delta in (timedelta(minutes=4), timedelta(hours=3), timedelta(days=3))] == [
        "4 min",
        "3 h",
        "3 d",
    ]


def test_opening_a_run_shows_every_agent_and_the_officer_override(use_db, run_ids):
    use_db(DB)
    run_id = run_ids["Lucinda Ferreira-Holt"]
    at = open_page(selected_run_id=run_id)
    assert not at.exception
    assert at.get("download_button")  # the CSV export is offered with the table
    assert at.selectbox[2].value == run_id
    assert at.subheader[0].value == "Lucinda Ferreira\\-Holt · conventional · \\$400,000"
    assert at.metric[0].value == "DECLINE"
    text = "\n".join(m.value for m in at.markdown)
    assert "- `offline / policy-engine`: intake, ratio" in text
    success = at.success[0].value
    assert "Final decision recorded for **Lucinda Ferreira\\-Holt**" in success
    assert ":red-badge[REFER]" not in success and "(override of DECLINE) by **R. Alvarez**" in success
    assert "**Officer's reason:** Verified a pending raise; refer for manual review." in text
    agents = at.dataframe[1].value
    assert agents["Agent"].tolist()[:2] == ["intake", "ratio"] and agents["Agent"].tolist()[-1] == "audit"
    assert agents.set_index("Agent").loc["policy", "Faithfulness"] == 1.0
    assert agents.set_index("Agent").loc["decision", "Verdict"] == "DECLINE"
    assert [e.label for e in at.expander][-2:] == ["6. decision — DECLINE", "7. audit — VERIFIED"]


def test_an_undecided_run_is_decided_from_the_work_queue(use_db, deciding_run_ids):
    """Bug: a run not decided before a reload could never be decided (Decisions sent the officer back)."""
    use_db(DECIDING_DB)
    run_id = deciding_run_ids["Maribel Okafor"]
    at = open_page()
    assert "Maribel Okafor" in queue(at)
    at.selectbox(key="dec_open").set_value(run_id).run()
    assert not at.exception
    assert at.metric[0].value == "APPROVE"
    assert at.selectbox(key=f"od_decision_{run_id}").value == "APPROVE"
    at.text_input(key=f"od_officer_{run_id}").input("Jordan Reyes")
    at.button(key=f"od_record_{run_id}").click().run()
    assert not at.exception and not at.error
    assert "Final decision recorded for **Maribel Okafor**" in at.success[0].value
    assert "Maribel Okafor" not in queue(at)  # it has left the queue, its confirmation stays open
    with resources_factory()() as s:
        (record,) = s.scalars(
            select(AuditRecord).where(AuditRecord.event == "officer_decision", AuditRecord.run_id == run_id)
        )
        assert (record.payload["applicant"], record.payload["final_decision"]) == ("Maribel Okafor", "APPROVE")


def test_a_run_decided_elsewhere_meanwhile_is_refused_and_nothing_is_written(use_db, deciding_run_ids):
    use_db(DECIDING_DB)
    run_id = deciding_run_ids["Dominique Hargreave"]
    at = open_page()
    at.selectbox(key="dec_open").set_value(run_id).run()
    decide(
        run_id,
        factory=resources_factory(),
        final_decision="REFER",
        officer="Other Officer",
        reason="Decided in another browser tab first.",
    )
    at.text_input(key=f"od_officer_{run_id}").input("Jordan Reyes")
    at.button(key=f"od_record_{run_id}").click().run()
    assert not at.exception
    assert f"run {run_id} was already decided (REFER by Other Officer" in at.error[0].value.replace("\\", "")
    assert not at.success  # the decision on file is shown, not as a green success
    assert any("Decision on file" in i.value and "Other Officer" in i.value for i in at.info)
    assert next(s for s in at.selectbox if s.label == "New decision").value is None
    with resources_factory()() as s:
        assert (
            len(
                s.scalars(
                    select(AuditRecord).where(AuditRecord.run_id == run_id, AuditRecord.event.like("officer%"))
                ).all()
            )
            == 1
        )


@pytest.mark.parametrize(
    ("button", "agent"), [("Open in the citation explorer", "ratio"), ("citations of policy", "policy")]
)
def test_the_run_opens_in_the_citation_explorer(use_db, run_ids, tmp_path, button, agent):
    """Through an st.navigation entry script like app.py's, as the real app switches pages."""
    use_db(DB)
    (tmp_path / "pages").symlink_to(PROJECT_ROOT / "pages")
    entry = tmp_path / "app.py"
    entry.write_text(
        "import streamlit as st\n"
        "st.navigation([st.Page('pages/decisions.py', title='Decisions', default=True),\n"
        "               st.Page('pages/citation_explorer.py', title='Citation explorer')]).run()\n"
    )
    run_id = run_ids["Dominique Hargreave"]
    at = AppTest.from_file(str(entry), default_timeout=120)
    at.session_state["selected_run_id"] = run_id
    at.run()
    assert at.title[0].value == "Decisions"
    next(b for b in at.button if b.label.endswith(button)).click().run()
    assert not at.exception
    assert at.title[0].value == "Citation explorer"
    assert at.session_state["explorer_run_id"] == run_id
    assert (at.selectbox[0].value, at.selectbox[1].value) == (run_id, agent)


def test_unreachable_database_is_explained(use_db, monkeypatch):
    use_db("unused")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    clear_caches()
    at = open_page()
    assert not at.exception
    assert "cannot be read from the database" in at.error[0].value


def _redecision_widgets(at: AppTest):
    """The re-decision form's select box and reason box (keyed to the decision on file they change)."""
    box = next(s for s in at.selectbox if s.label == "New decision")
    reason = next(t for t in at.text_area if t.label.startswith("Reason for the new decision"))
    officer = next(t for t in at.text_input if t.key == box.key.replace("od_decision_", "od_officer_"))
    return box, officer, reason


def test_a_redecision_form_starts_empty_and_refuses_the_previous_reason(use_db, redeciding_run_ids):
    """Bug: after a decision with a reason, "Change this decision" came prefilled with the old choice and reason,
    and recording it stored the old reason again (issue 21, point 1)."""
    use_db(REDECIDING_DB)
    run_id, why = redeciding_run_ids["Maribel Okafor"], "Pay stubs are missing from the file."
    at = open_page(selected_run_id=run_id)
    assert not at.success  # undecided: the first decision, then its change
    box, officer, reason = (
        at.selectbox(key=f"od_decision_{run_id}"),
        at.text_input(key=f"od_officer_{run_id}"),
        at.text_area(key=f"od_reason_{run_id}"),
    )
    box.set_value("REFER")
    officer.input("Jordan Reyes")
    reason.input(why)
    at.button(key=box.key.replace("od_decision_", "od_record_")).click().run()
    assert not at.exception and not at.error and "REFER" in at.success[0].value
    box, officer, reason = _redecision_widgets(at)
    assert (box.value, reason.value) == (None, "")  # nothing of the decision just recorded is prefilled
    for typed, refusal in (("", "a re-decision needs a written reason"), (why, "needs its own reason")):
        box, officer, reason = _redecision_widgets(at)
        box.set_value("DECLINE")
        officer.input("Jordan Reyes")
        reason.input(typed)
        at.button(key=box.key.replace("od_decision_", "od_record_")).click().run()
        assert not at.exception
        error = at.error[0].value.replace("\\", "")
        assert "Your decision (DECLINE) was not recorded" in error and refusal in error
    assert resources_factory()().get(Run, run_id).final_decision == "REFER"


def test_a_redecision_on_a_stale_view_is_refused_in_red_with_the_decision_on_file(use_db, redeciding_run_ids):
    """Bug: tab B, still showing the earlier decision, re-decided five seconds after tab A and silently
    overwrote it; a refusal then looked like success (green box, refusal in a collapsed expander, B's choice
    prefilled) (issue 21, points 2 and 3)."""
    use_db(REDECIDING_DB)
    run_id = redeciding_run_ids["Lucinda Ferreira-Holt"]
    tab_b = open_page(selected_run_id=run_id)
    seen = resources_factory()().get(Run, run_id).decided_at
    decide(
        run_id,
        factory=resources_factory(),
        final_decision="DECLINE",
        officer="Officer A",
        redecide=True,
        seen=seen,
        reason="Tab A: the raise is not verified after all.",
    )
    box, officer, reason = _redecision_widgets(tab_b)
    box.set_value("APPROVE")
    officer.input("Officer B")
    reason.input("Tab B: approve on the pending raise.")
    tab_b.button(key=box.key.replace("od_decision_", "od_record_")).click().run()
    assert not tab_b.exception
    error = tab_b.error[0].value.replace("\\", "")
    assert "Your decision (APPROVE) was not recorded" in error
    assert "re-decided meanwhile: it is now DECLINE by Officer A" in error
    assert not tab_b.success  # nothing green: the decision on file is someone else's
    assert any("Decision on file" in i.value and "Officer A" in i.value for i in tab_b.info)
    box, officer, reason = _redecision_widgets(tab_b)
    assert (box.value, reason.value) == (None, "")  # nothing of the refused choice is prefilled
    with resources_factory()() as s:
        run = s.get(Run, run_id)
        assert (run.final_decision, run.decided_by) == ("DECLINE", "Officer A")


def test_a_long_table_says_how_many_it_shows_of_how_many_and_shows_more(use_db, run_ids, monkeypatch):
    """Bug: the work queue was capped at 500 with no word of it (522 awaiting, 22 reachable only by search)
    (issue 21, point 8). A page of 2 here stands for the page of 500."""
    import agents.runs

    use_db(DB)
    monkeypatch.setattr(agents.runs, "PAGE", 2)
    at = open_page()
    at.segmented_control(key="dec_view").set_value("All runs").run()
    assert len(applicants(at)) == 2
    assert any(c.value.startswith("Showing 2 of 3 runs") for c in at.caption)
    at.button(key="dec_more").click().run()
    assert not at.exception and len(applicants(at)) == 3
    assert any(c.value == "3 runs." for c in at.caption) and not [b for b in at.button if b.key == "dec_more"]


def test_the_csv_carries_the_money_the_engine_counted_and_the_itemised_lists(use_db, run_ids):
    """Issue 21, point 5: the CSV, like the card and the PDF, shows the itemised lists and the figures the engine
    used, not only the flat ones."""
    from agents.runs import list_runs
    from dashboard.money_lists import export_columns
    from dashboard.run_tables import export_frame

    use_db(DB)
    factory = resources_factory()
    with factory() as s:
        rows = list_runs(session=s)
    exported = export_frame(factory, runs_frame(rows))
    assert exported.columns.tolist()[-4:] == [
        "Monthly debts counted",
        "Own funds counted",
        "Liabilities (itemised)",
        "Assets (itemised)",
    ]
    maribel = exported.set_index("Applicant").loc["Maribel Okafor"]
    assert maribel["Monthly debts counted"].startswith("$") and maribel["Own funds counted"].startswith("$")
    assert "Monthly debts counted" in frame_csv(exported).decode("utf-8-sig").splitlines()[0]
    app = {
        "liabilities": [{"kind": "auto_loan", "monthly_payment": "450", "balance": "12000", "creditor": "Ally"}],
        "assets": [{"kind": "gift", "value": "15000", "vested_pct": "100", "donor": "relative"}],
    }
    columns = export_columns(app, {"monthly_debts": "450.00", "own_funds": "0"})
    assert columns["Liabilities (itemised)"] == "auto loan (Ally) $450.00/mo, balance $12,000.00"
    assert columns["Assets (itemised)"] == "gift $15,000.00, 100% vested, gift from relative"
    assert columns["Monthly debts counted"] == "$450.00"
