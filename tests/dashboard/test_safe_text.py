"""Applicant and LLM strings shown as text, and CSV cells that cannot run as formulas."""

import re

import pytest

from dashboard.safe_text import csv_cell, plain, prose

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("raw", ["**x**", "$x$", "<b>x</b>", ":red[x]", "[a](http://e.x)", "# h", "`c`", "~~s~~"])
def test_plain_escapes_every_markdown_construct(raw):
    escaped = plain(raw)
    assert escaped != raw and escaped.replace("\\", "").replace("\u200b", "") == raw
    assert (
        all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "*$<>[]#`~" and i > 0)
        and escaped[0] in "\\"
    )


GFM_AUTOLINK = re.compile(r"(https?://|www\.)[-.\w]+|[-.\w+]+@[-\w]+(\.[-\w]+)+", re.IGNORECASE)


@pytest.mark.parametrize("escape", [plain, prose])
@pytest.mark.parametrize(
    "raw", ["[x](http://evil.example)", "https://evil.example/a", "www.evil.example", "Ann <ann@evil.example>"]
)
def test_a_bare_or_bracketed_address_never_becomes_a_live_link(escape, raw):
    """Bug: a Markdown link in an applicant name rendered as a live link: the escapes stopped the [x](...) syntax,
    but GFM then linked the bare address in the text it read (issue 21, point 7)."""
    read = re.sub(r"\\(.)", r"\1", escape(raw))  # what Markdown reads once the escapes are applied
    assert not GFM_AUTOLINK.search(read), read
    assert read.replace("\u200b", "") == raw  # it still reads as typed


def test_prose_keeps_figures_readable_and_neutralises_markup():
    assert prose("DTI 45.01% is above 45%.") == "DTI 45.01% is above 45%."
    assert prose("Reduce debts by $2: **now**") == "Reduce debts by \\$2: \\*\\*now\\*\\*"
    assert (
        prose("# Heading\n1. item\n- item\n:material/home: x")
        == "\\# Heading\n1\\. item\n\\- item\n\\:material/home: x"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ann", "Ann"),
        (-5, -5),
        (None, None),
    ],
)
def test_csv_cells_that_would_run_as_formulas_get_an_apostrophe(value, expected):
    assert csv_cell(value) == expected


def test_the_audit_card_says_what_it_checked():
    from agents.verdicts import AgentVerdict
    from dashboard.verdict_cards import key_numbers

    audit = AgentVerdict(
        agent="audit",
        verdict="VERIFIED",
        summary="12 cited claims checked",
        facts={"faithfulness": {"policy": 1.0, "compliance": 0.75}},
    )
    assert key_numbers(audit) == [
        ("Agents checked", "2"),
        ("Policy faithfulness", "1.00"),
        ("Compliance faithfulness", "0.75"),
    ]
    assert key_numbers(AgentVerdict(agent="audit", verdict="VERIFIED", summary="none")) == [("Agents checked", "0")]
