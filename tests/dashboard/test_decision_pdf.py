"""The one-page PDF decision summary, read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from agents.events import AgentEvent, RunFinished
from agents.verdicts import PrincipalReason
from dashboard.decision_pdf import decision_pdf
from dashboard.pdf_fonts import REPLACEMENT, markup
from dashboard.run_summary import FinalDecision
from tests.dashboard.support import DTI_RULE, NOTICE, RUN, application, events, text_of

pytestmark = pytest.mark.unit

DECLINE_REASON = PrincipalReason(
    reason="Excessive obligations in relation to income",
    rule_id="conventional.max_dti",
    detail="DTI 45.01% exceeds the 45% maximum.",
    citation=DTI_RULE,
    remedy="Reduce monthly debts by $2 to reach 45% DTI.",
)


def test_a_decline_states_the_adverse_action_reasons_and_the_notice_deadline():
    pdf = decision_pdf(
        events("DECLINE", reasons=[DECLINE_REASON], notice=True),
        application(),
        generated_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
    )
    pages, text = text_of(pdf)
    assert pdf.startswith(b"%PDF") and pages == 1
    assert "Adverse action - principal reasons" in text
    assert "1. Excessive obligations in relation to income: DTI 45.01% exceeds the 45% maximum." in text
    assert "Conventional Conforming Loan Program Guide, p. 4, 5.2 Debt-to-Income Limits" in text
    assert "To change the outcome: Reduce monthly debts by $2 to reach 45% DTI." in text
    assert "Notice deadline: Send the adverse action notice within 30 days." in text
    assert "Final decision pending loan officer review" in text
    assert "Back-end DTI 45.01%" in text and "PITI payment $3,181.05" in text
    assert "generated 2026-11-25 09:30 UTC" in text


def test_only_the_masked_ssn_is_printed():
    _, text = text_of(decision_pdf(events("DECLINE", reasons=[DECLINE_REASON], notice=True), application()))
    assert "***-**-0005" in text and "Lucinda Ferreira-Holt" in text
    assert "900-11-0005" not in text and "900110005" not in text.replace("-", "")


def test_an_approval_has_no_adverse_action_section_and_shows_the_officers_decision():
    final = FinalDecision(
        "APPROVE_WITH_CONDITIONS",
        "R. Alvarez",
        "2026-11-25T12:15:00+02:00",  # stored with an offset: printed in UTC, as the desk shows it
        True,
        "Verified mortgage insurance quote on file.",
    )
    pages, text = text_of(
        decision_pdf(events("APPROVE", conditions=["Private mortgage insurance required."]), application(), final)
    )
    assert pages == 1
    assert "Adverse action" not in text and "Notice deadline" not in text
    assert "Recommendation APPROVE" in text
    assert "Final decision APPROVE WITH CONDITIONS by R. Alvarez, 2026-11-25 10:15:00 UTC (override)" in text
    assert "Officer's reason: Verified mortgage insurance quote on file." in text
    assert "Conditions - Private mortgage insurance required." in text


def test_an_override_to_decline_still_prints_the_adverse_action_section():
    final = FinalDecision("DECLINE", "R. Alvarez", "2026-11-25T10:15:00+00:00", True, "Income could not be verified.")
    _, text = text_of(decision_pdf(events("APPROVE"), application(), final))
    assert "Adverse action - principal reasons" in text
    assert "The engine stated no principal reasons" in text


def test_many_citations_still_fit_on_one_page():
    evs = events("DECLINE", reasons=[DECLINE_REASON] * 4, notice=True)
    long_report = evs[-1].report.model_copy(update={"citations": (DTI_RULE, NOTICE) * 20})
    evs[-1] = RunFinished(RUN, long_report, None, 1.0, 0, 0, 0.0)
    pages, text = text_of(decision_pdf(evs, application()))
    assert pages == 1 and "Adverse action - principal reasons" in text


def embedded_fonts(pdf: bytes) -> set[str]:
    return {
        str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages for f in page["/Resources"]["/Font"].values()
    }


def test_a_chinese_or_emoji_name_prints_with_the_embedded_unicode_fonts():
    """Bug: a name with Chinese characters or emoji printed as black boxes (Helvetica has no such glyphs)."""
    app = {**application(), "applicant_name": "李明 Zoë Ωmega 😀", "application_id": "BR-7-0001"}
    pdf = decision_pdf(events("APPROVE"), app)
    _, text = text_of(pdf)
    assert "Name 李明 Zoë Ωmega" in text and "Application ID BR-7-0001" in text
    fonts = embedded_fonts(pdf)
    assert any("DejaVuSans" in f for f in fonts) and any("DroidSansFallback" in f for f in fonts)


NAME = "José 王小明 😀🏠 محمد عبد الله अमित शर्मा"


def test_any_name_prints_each_character_in_a_font_that_has_it():
    """Latin accents, CJK, emoji, Arabic and Devanagari: no replacement mark, and each script's font embedded."""
    assert REPLACEMENT not in markup(NAME)
    assert '<font name="LG-Emoji">🏠</font>' in markup(NAME) and '<font name="LG-CJK">王小明</font>' in markup(NAME)
    pdf = decision_pdf(events("APPROVE"), {**application(), "applicant_name": NAME})
    _, text = text_of(pdf)
    assert "José 王小明" in text and "अमित" in text  # pypdf cannot map astral code points (the emoji) back to text
    assert set("محمد عبد الله") <= set(text)  # unshaped, laid out left to right: pypdf's bidi reading reorders it
    fonts = embedded_fonts(pdf)
    for family in ("DejaVuSans", "DroidSansFallback", "NotoEmoji-Regular", "NotoSansDevanagari-Regular"):
        assert any(family in f for f in fonts), (family, fonts)


SEQUENCES_AND_SCRIPTS = [
    "👩🏽\u200d⚕️",
    "1️⃣",
    "👍🏿",
    "🇺🇸",
    "שלום",
    "สมชาย",
    "ሰላም",
    "ქეთი",
    "Արամ",
    "ស៊ុន",
    "ဝင်း",
    "ਸਿੰਘ",
    "ગીતા",
    "তানিয়া",
    "முருகன்",
    "రాము",
    "ಕಾವ್ಯ",
    "ആതിര",
    "සුනිල්",
    "ଓଡ଼ିଆ",
    "ລາວ",
    "★ ☎ ♞ ⚖",
]


@pytest.mark.parametrize("text", SEQUENCES_AND_SCRIPTS)
def test_scripts_symbols_and_emoji_sequences_have_a_glyph(text):
    """ZWJ sequences, keycaps, skin tones and flags print as their component glyphs; scripts print unshaped."""
    assert REPLACEMENT not in markup(text)


def test_a_character_no_font_has_prints_as_a_visible_replacement_mark():
    assert markup("A\u0378<b>") == f"A{REPLACEMENT}&lt;b&gt;"  # U+0378: unassigned
    assert markup("\U000e0001x") == "x"  # an invisible tag character no font has is dropped, not marked


def test_itemised_debts_and_assets_print_with_the_figures_the_engine_counted():
    """Bug: the PDF printed "Monthly debts $0.00" beside a 29.15% DTI and listed no liabilities or assets when they
    were itemised (issue 21, point 5)."""
    app = application(
        **{
            "monthly_debts": 0,
            "liquid_assets": 0,
            "liabilities": [
                {
                    "kind": "auto_loan",
                    "monthly_payment": 450,
                    "balance": 12000,
                    "months_remaining": 30,
                    "creditor": "Ally Auto",
                },
                {"kind": "student_loan", "balance": 30000, "deferred": True, "creditor": "Nelnet"},
            ],
            "assets": [
                {"kind": "checking_savings", "value": 70000, "source": "First Bank checking"},
                {"kind": "gift", "value": 15000, "donor": "relative"},
            ],
        }
    )
    evs = events("APPROVE")
    evs[1] = AgentEvent(
        RUN,
        "ratio",
        1,
        evs[1].verdict.model_copy(
            update={
                "facts": {
                    **evs[1].verdict.facts,
                    "back_end_dti": "29.15",
                    "monthly_debts": "750.00",
                    "own_funds": "70000.00",
                    "gift_funds": "15000.00",
                }
            }
        ),
        None,
        (),
        10.0,
    )
    pages, text = text_of(decision_pdf(evs, app))
    assert pages == 1 and "Monthly debts $0.00" not in text
    assert "Monthly debts counted in the DTI $750.00" in text
    assert "Own funds counted $70,000.00" in text and "Gift funds counted $15,000.00" in text
    assert "auto loan Ally Auto $450.00 $12,000.00 30" in text
    assert "student loan Nelnet $0.00 $30,000.00 open-ended deferred" in text
    assert "checking savings First Bank checking $70,000.00 100%" in text and "gift $15,000.00 100% relative" in text
