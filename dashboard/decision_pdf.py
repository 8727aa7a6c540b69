"""A one-page PDF decision summary (reportlab): applicant with the SSN masked, loan, decision, reasons, ratios.

On a decline it carries the "Adverse action - principal reasons" section with the Reg B reasons and
the notice deadline. Content that would run over is shrunk to fit, so the summary is always one page.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from agents.events import RunEvent
from dashboard.decision_figures import pdf_rows
from dashboard.decision_notices import notice_sections
from dashboard.money_lists import ASSET_COLUMNS, LIABILITY_COLUMNS, asset_rows, counted_rows, liability_rows
from dashboard.pdf_fonts import SANS, SANS_BOLD, markup, register
from dashboard.run_summary import FinalDecision, finished, key_ratios, notice_deadline, utc_label

MARGIN = 0.6 * inch
_BASE = getSampleStyleSheet()
# embedded Unicode fonts (dashboard.pdf_fonts), so any applicant name prints
STYLES = {
    "title": ParagraphStyle("title", parent=_BASE["Title"], fontName=SANS_BOLD, fontSize=15, spaceAfter=4),
    "h": ParagraphStyle("h", parent=_BASE["Heading3"], fontName=SANS_BOLD, fontSize=10.5, spaceBefore=6, spaceAfter=2),
    "body": ParagraphStyle("body", parent=_BASE["BodyText"], fontName=SANS, fontSize=8.5, leading=10.5),
    "small": ParagraphStyle(
        "small", parent=_BASE["BodyText"], fontName=SANS, fontSize=7, leading=8.5, textColor=colors.HexColor("#444444")
    ),
}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(markup(text), STYLES[style])


def _pairs(rows: list[tuple[str, str]]) -> Table:
    """Label/value rows laid out four columns wide."""
    cells = [[markup(k), markup(v)] for k, v in rows]
    grid = [sum(cells[i : i + 2], []) + [""] * (4 - 2 * len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    table = Table(
        [[Paragraph(c, STYLES["body"]) for c in row] for row in grid],
        colWidths=[1.75 * inch, 1.7 * inch, 1.75 * inch, 1.7 * inch],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.grey),
                ("TEXTCOLOR", (2, 0), (2, -1), colors.grey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _money(value: Any) -> str:
    try:
        return f"${float(value):,.2f}"
    except (TypeError, ValueError):
        return "n/a"


def _items(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list:
    """An itemised list as a small table (nothing when the application has none)."""
    if not rows:
        return []
    table = Table(
        [[Paragraph(markup(c), STYLES["small"]) for c in row] for row in (columns, *rows)],
        colWidths=[6.9 * inch / len(columns)] * len(columns),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [_p(title, "small"), table]


def _debts_and_assets(app: dict[str, Any], events: list[RunEvent]) -> list:
    """The figures the engine counted, then the lists as itemised on the application."""
    return (
        [_p("Debts and assets", "h"), _pairs(counted_rows(app, events))]
        + _items("Liabilities, as itemised", LIABILITY_COLUMNS, liability_rows(app))
        + _items("Assets, as itemised", ASSET_COLUMNS, asset_rows(app))
    )


def _applicant_and_loan(app: dict[str, Any]) -> list:
    label = lambda key: str(app.get(key, "n/a")).replace("_", " ")  # noqa: E731
    return [
        _p("Applicant", "h"),
        _pairs(
            [
                ("Name", label("applicant_name")),
                ("Application ID", str(app.get("application_id") or "none given")),
                ("SSN", app.get("ssn_masked", "***-**-****")),
                ("Credit score", label("credit_score")),
                ("Employment", f"{label('employment_status')}, {label('employment_years')} years"),
                ("Monthly income", _money(app.get("monthly_income"))),
            ]
        ),
        _p("Loan", "h"),
        _pairs(
            [
                ("Program", label("loan_type").upper()),
                ("Purpose", label("loan_purpose")),
                ("Amount", _money(app.get("loan_amount"))),
                ("Property value", _money(app.get("property_value"))),
                ("Rate / term", f"{label('interest_rate')}% / {label('term_months')} months"),
                ("Product", label("product")),
                ("Occupancy", label("occupancy")),
                ("State", label("property_state")),
            ]
        ),
    ]


def _decision(events: list[RunEvent], final: FinalDecision | None) -> list:
    done = finished(events)
    report = done.report if done else None
    flow = [_p("Decision", "h")]
    rows = [("Recommendation", report.recommendation.replace("_", " ") if report else "not reached (run interrupted)")]
    if final is not None:
        rows.append(
            (
                "Final decision",
                f"{final.decision.replace('_', ' ')} by {final.officer}, {utc_label(final.decided_at)}"
                + (" (override)" if final.override else " (confirmed)"),
            )
        )
    else:
        rows.append(("Final decision", "pending loan officer review"))
    flow.append(_pairs(rows))
    if report is not None:
        flow.append(_p(report.summary))
    if final is not None and final.reason:
        flow.append(_p(f"Officer's reason: {final.reason}"))
    return flow


def _reasons(events: list[RunEvent], final: FinalDecision | None) -> list:
    done = finished(events)
    if done is None:
        return []
    report = done.report
    declined = (final.decision if final else report.recommendation) == "DECLINE"
    if not declined and not report.principal_reasons:
        return []
    flow = [_p("Adverse action - principal reasons" if declined else "Reasons for referral", "h")]
    for i, r in enumerate(report.principal_reasons, 1):
        where = f" [{r.citation.label()}]" if r.citation else ""
        flow.append(_p(f"{i}. {r.reason}: {r.detail}{where}"))
        if r.remedy:
            flow.append(_p(f"To change the outcome: {r.remedy}", "small"))
    if declined and not report.principal_reasons:
        flow.append(
            _p(
                "The engine stated no principal reasons; the officer's written reason above must be "
                "restated in Reg B wording before the notice is sent."
            )
        )
    if declined:
        flow.append(_p(f"Notice deadline: {_notice_text(events)}"))
    return flow


def _notice_text(events: list[RunEvent]) -> str:
    notice = notice_deadline(events)
    if notice is None:
        return "not found in the retrieved policy text; check the Fair Lending and Adverse Action Policy."
    return notice.message + (f" [{notice.citation.label()}]" if notice.citation else "")


def _conditions_ratios_citations(events: list[RunEvent]) -> list:
    done = finished(events)
    flow: list = []
    if done and done.report.conditions:
        flow += [_p("Conditions", "h")] + [_p(f"- {c}") for c in done.report.conditions]
    for title, lines in notice_sections(done.report) if done else []:
        flow += [_p(title, "h")] + [_p(f"- {line}") for line in lines]
    ratios = key_ratios(events)
    if ratios:
        flow += [_p("Key ratios", "h"), _pairs(ratios)]
    funds, disclosure = pdf_rows(events)
    flow += ([_p("Funds to close and reserves", "h"), _pairs(funds)] if funds else []) + (
        [_p("Credit score disclosure (FCRA)", "h"), _pairs(disclosure)] if disclosure else []
    )
    if done and done.report.citations:
        flow.append(_p("Citations", "h"))
        flow += [_p(f'{c.label()}: "{c.quote}"', "small") for c in done.report.citations]
    return flow


def decision_pdf(
    events: list[RunEvent],
    application: dict[str, Any],
    final: FinalDecision | None = None,
    *,
    generated_at: datetime | None = None,
) -> bytes:
    """The summary as PDF bytes. `application` is `core.schemas.application_facts` output (no SSN)."""
    register()
    done = finished(events)
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        _p("Underwriting decision summary", "title"),
        _p(
            f"Run {events[0].run_id if events else 'n/a'} · generated {when}"
            + (f" · corpus {done.report.corpus_version} · rules {done.report.ruleset_version}" if done else ""),
            "small",
        ),
        Spacer(1, 4),
    ]
    flow = header + _applicant_and_loan(application) + _debts_and_assets(application, events)
    flow += _decision(events, final) + _reasons(events, final)
    flow += _conditions_ratios_citations(events)
    flow += [
        Spacer(1, 6),
        _p(
            "Generated by LoanGraph. The SSN is shown masked; the automated recommendation is a "
            "proposal that a loan officer confirms or overrides.",
            "small",
        ),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title="Underwriting decision summary",
        author="LoanGraph",
    )
    doc.build([KeepInFrame(doc.width, doc.height, flow, mode="shrink")])
    return buffer.getvalue()
