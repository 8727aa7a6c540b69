"""The application's itemised debts and assets beside the figures the engine counted from them.

One source of truth per figure (core.schemas): with the lists itemised the flat figures are 0, so the
officer reads the lists and the Ratio agent's counted totals, never a flat "$0.00" beside a real DTI.
Pure rows first (card, PDF), Streamlit rendering last.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from agents.events import RunEvent
from dashboard.run_summary import decimal_or_none, ratio_facts

LIABILITY_COLUMNS = ("Kind", "Creditor", "Monthly payment", "Balance", "Months left", "Notes")
ASSET_COLUMNS = ("Kind", "Source", "Value", "Vested", "Donor")


def _money(value: Any) -> str:
    number = decimal_or_none(value)
    return "n/a" if number is None else f"${number:,.2f}"


def _words(value: Any) -> str:
    return str(value or "").replace("_", " ")


def liability_rows(app: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per itemised liability, as the application states it."""
    rows = []
    for item in app.get("liabilities") or ():
        notes = [
            n
            for n, on in (("deferred", item.get("deferred")), ("paid off at closing", item.get("paid_off_at_closing")))
            if on
        ]
        months = item.get("months_remaining")
        rows.append(
            (
                _words(item.get("kind")),
                str(item.get("creditor") or ""),
                _money(item.get("monthly_payment", 0)),
                _money(item.get("balance", 0)),
                "open-ended" if months is None else str(months),
                ", ".join(notes),
            )
        )
    return rows


def asset_rows(app: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per itemised asset, as the application states it."""
    return [
        (
            _words(item.get("kind")),
            str(item.get("source") or ""),
            _money(item.get("value")),
            f"{decimal_or_none(item.get('vested_pct', 100)) or Decimal(0):f}%",
            _words(item.get("donor")),
        )
        for item in app.get("assets") or ()
    ]


def counted_rows(app: dict[str, Any], events: list[RunEvent]) -> list[tuple[str, str]]:
    """(label, value): the debts and funds the engine counted; the application's flat figures when it has no
    run figures yet, said as such."""
    facts = ratio_facts(events)
    rows = [
        ("Monthly debts counted in the DTI", _money(facts["monthly_debts"]))
        if "monthly_debts" in facts
        else ("Monthly debts (as stated; not yet counted)", _money(app.get("monthly_debts")))
    ]
    if "own_funds" in facts:
        rows.append(("Own funds counted", _money(facts["own_funds"])))
        rows.append(("Gift funds counted", _money(facts.get("gift_funds"))))
    else:
        rows.append(("Liquid assets (as stated; not yet counted)", _money(app.get("liquid_assets"))))
    return rows


def one_line(rows: list[tuple[str, ...]], columns: tuple[str, ...]) -> str:
    """An itemised list as one CSV cell: 'auto loan (Ally) $450.00/mo, balance $12,000.00; ...'."""
    out = []
    for row in rows:
        cells = dict(zip(columns, row))
        who = (
            f" ({cells.get('Creditor') or cells.get('Source')})" if cells.get("Creditor") or cells.get("Source") else ""
        )
        if "Monthly payment" in cells:
            notes = f", {cells['Notes']}" if cells["Notes"] else ""
            out.append(f"{cells['Kind']}{who} {cells['Monthly payment']}/mo, balance {cells['Balance']}{notes}")
        else:
            donor = f", gift from {cells['Donor']}" if cells.get("Donor") else ""
            out.append(f"{cells['Kind']}{who} {cells['Value']}, {cells['Vested']} vested{donor}")
    return "; ".join(out)


def export_columns(app: dict[str, Any], facts: dict[str, Any]) -> dict[str, str]:
    """The money columns of the decisions CSV: what the engine counted and the lists as itemised."""
    return {
        "Monthly debts counted": _money(facts["monthly_debts"]) if "monthly_debts" in facts else "",
        "Own funds counted": _money(facts["own_funds"]) if "own_funds" in facts else "",
        "Liabilities (itemised)": one_line(liability_rows(app), LIABILITY_COLUMNS),
        "Assets (itemised)": one_line(asset_rows(app), ASSET_COLUMNS),
    }


def render_money_lists(app: dict[str, Any], events: list[RunEvent]) -> None:
    """The counted figures, then the itemised lists (when there are any) under them."""
    counted = counted_rows(app, events)
    cols = st.columns(len(counted))
    for col, (label, value) in zip(cols, counted):
        col.metric(label, value)
    liabilities, assets = liability_rows(app), asset_rows(app)
    if liabilities:
        st.markdown("**Liabilities, as itemised**")
        st.dataframe(pd.DataFrame(liabilities, columns=LIABILITY_COLUMNS), hide_index=True)
    if assets:
        st.markdown("**Assets, as itemised**")
        st.dataframe(pd.DataFrame(assets, columns=ASSET_COLUMNS), hide_index=True)
