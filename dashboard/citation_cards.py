"""A citation as a card: where it is, the verbatim quote, and the PDF page with the quote highlighted."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from dashboard.pdf_preview import PreviewUnavailable, highlight_band, page_preview
from policy.rules import quote_in_text
from rag.retrieval.store import ChunkDetail

log = logging.getLogger(__name__)

CARD_IMAGE_WIDTH = "content"  # the strip at its rendered size (918 px for a Letter page): readable as is


def citation_heading(doc_name: str, page_num: int, section: str | None) -> str:
    return f"**{doc_name}** · page {page_num}" + (f" · {section}" if section else "")


def verified_quote(quote: str, detail: ChunkDetail | None) -> bool:
    """Only a quote found verbatim in its chunk's text may be highlighted (a mismatch is logged)."""
    ok = detail is not None and quote_in_text(quote, detail.text)
    if not ok:
        log.warning("citation quote not in chunk %s: %.60r", detail.id if detail else "(missing)", quote)
    return ok


def preview_source(detail: ChunkDetail, policy_dir: Path, archive_dir: Path | None) -> Path:
    """The PDF of the version the chunk came from when it was archived at ingestion, else today's file."""
    if archive_dir is not None and detail.content_hash:
        archived = archive_dir / f"{detail.content_hash}.pdf"
        if archived.is_file():
            return archived
    return policy_dir / detail.file_name


def citation_card(
    *,
    doc_name: str,
    page_num: int,
    section: str | None,
    quote: str,
    detail: ChunkDetail | None,
    policy_dir: Path,
    archive_dir: Path | None = None,
    table: str | None = None,
) -> None:
    """Render one citation; the page preview says plainly when the quote could not be highlighted. `table`: the
    caption and column header a quoted table line is read under (a row chunk's own context otherwise)."""
    with st.container(border=True):
        st.markdown(citation_heading(doc_name, page_num, section))
        st.markdown("> " + " ".join(quote.split()))
        table = table or (detail.context if detail is not None else None)
        if table:  # a table line: the caption and column header it is read under
            st.caption("Table: " + " / ".join(table.splitlines()))
        if detail is None:
            st.warning(
                "The cited chunk is no longer in the knowledge base (the policy was re-ingested), "
                "so the page cannot be shown."
            )
            return
        if detail.superseded_at is not None:
            st.caption(
                f"From version {detail.version or '?'} of this document, superseded "
                f"{detail.superseded_at:%Y-%m-%d %H:%M}; the passage is kept so this citation still resolves."
            )
        verified = verified_quote(quote, detail)
        try:
            preview = page_preview(
                preview_source(detail, policy_dir, archive_dir), page_num, quote if verified else None
            )
        except PreviewUnavailable as exc:
            st.warning(f"Page preview unavailable: {exc}.")
            return
        if not verified:
            st.warning("This quote is not in the text of the chunk it cites, so it is not highlighted.")
        elif preview.highlighted:
            st.caption(f"Highlighted on page {page_num} of {detail.file_name}.")
        else:
            st.info(
                f"The quote could not be located on page {page_num} of {detail.file_name}; "
                "the page is shown without a highlight."
            )
        st.image(highlight_band(preview), width=CARD_IMAGE_WIDTH)
        with st.expander(f"Open page {page_num} of {detail.file_name}"):
            st.image(preview.png, width="stretch")
