"""Where a passage lives: the one citation type, shared by retrieval (a chunk, a quoted sentence's span) and
the rule engine (a finding's quote is a Citation plus the quote, policy.types.CitedQuote), with the one
label format every view shows ("Conventional Guide, p. 4, 5.2 Debt-to-Income Limits").

A pydantic model (frozen) so LangGraph's checkpointer and the stored runs keep it as plain JSON; a payload
written before it carried a page range or a character span (a CitedQuote: chunk, document, page, section,
quote) still loads: the range is that one page and the span unknown.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class Citation(BaseModel):
    """Document, pages (page_num..page_end), section and character span in the document text (None when
    the citing side does not know it: a rule's quote is found in the normalised text)."""

    model_config = ConfigDict(frozen=True)

    chunk_id: int
    doc_name: str
    page_num: int
    page_end: int
    section: str | None = None
    subsection: str | None = None
    char_offset: int | None = None
    char_end: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_page_unless_told(cls, data: Any) -> Any:
        """A citation without a page range (every one written before it had one) is on its one page."""
        if isinstance(data, dict) and data.get("page_end") is None and "page_num" in data:
            return {**data, "page_end": data["page_num"]}
        return data

    def label(self) -> str:
        """'Document, p. 4, Section' (pages 'pp. 4-5'; the subsection when there is one, else the section)."""
        pages = f"p. {self.page_num}" if self.page_end == self.page_num else f"pp. {self.page_num}-{self.page_end}"
        where = self.subsection or self.section
        return f"{self.doc_name}, {pages}" + (f", {where}" if where else "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (search output, stored evaluation runs, retrieval traces)."""
        return self.model_dump()
