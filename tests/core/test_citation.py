"""The one citation type (core.citation.Citation): a finding's quote and a retrieved passage are both Citations
with one label format, and checkpoints and stored runs written before it (the old CitedQuote shape) still load
with the labels they showed."""

from __future__ import annotations

import ormsgpack
import pytest
from langgraph.checkpoint.serde.jsonplus import EXT_PYDANTIC_V2, JsonPlusSerializer

from agents.checkpoint import STATE_TYPES
from agents.verdicts import AgentVerdict, CitedQuote, DecisionReport
from core.citation import Citation
from rag.answer import compose_answer
from tests.rag.support import KeywordEmbedder, guide_chunk, retrieval_result

# A finding's citation as stored before the one type: no page range, no character span.
OLD_QUOTE = {
    "chunk_id": 12,
    "doc_name": "Conventional Guide",
    "page_num": 4,
    "section": "5. Qualifying Ratios",
    "subsection": "5.2 Debt-to-Income Limits",
    "quote": "The maximum back-end DTI ratio for a conventional loan is 45%.",
}
OLD_LABEL = "Conventional Guide, p. 4, 5.2 Debt-to-Income Limits"  # what every view showed for it
OLD_FINDING = {
    "rule_id": "conventional.max_dti",
    "label": "Back-end DTI",
    "status": "PASS",
    "message": "DTI 38% is within 45%.",
    "citation": OLD_QUOTE,
}
OLD_VERDICT = {"agent": "underwriting", "verdict": "PASS", "summary": "ratios within limits", "findings": [OLD_FINDING]}
OLD_REPORT = {
    "recommendation": "DECLINE",
    "summary": "declined",
    "principal_reasons": [
        {"reason": "Excessive obligations in relation to income", "rule_id": "r", "detail": "d", "citation": OLD_QUOTE}
    ],
    "citations": [OLD_QUOTE, {**OLD_QUOTE, "subsection": None, "section": None, "page_num": 7}],
}


@pytest.mark.unit
def test_a_stored_run_of_the_old_shape_loads_with_the_same_labels():
    report = DecisionReport.model_validate(OLD_REPORT)
    assert [c.label() for c in report.citations] == [OLD_LABEL, "Conventional Guide, p. 7"]
    assert report.principal_reasons[0].citation.label() == OLD_LABEL
    cited = report.citations[0]
    assert (cited.page_end, cited.char_offset, cited.quote) == (4, None, OLD_QUOTE["quote"])


@pytest.mark.unit
def test_a_checkpoint_of_the_old_shape_loads_through_the_checkpointer_serializer():
    """The bytes LangGraph wrote for a verdict before the change, read back by the serializer the checkpointer uses."""
    old = ormsgpack.packb(
        ormsgpack.Ext(
            EXT_PYDANTIC_V2,
            ormsgpack.packb(("agents.verdicts", "AgentVerdict", OLD_VERDICT, "model_validate_json")),
        )
    )
    verdict = JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES).loads_typed(("msgpack", old))
    assert isinstance(verdict, AgentVerdict)
    assert [c.label() for c in verdict.citations] == [OLD_LABEL]
    assert verdict == AgentVerdict.model_validate(OLD_VERDICT)


@pytest.mark.unit
def test_a_finding_quote_and_an_answer_sentence_are_one_citation_type_with_one_label():
    """The same passage cited by the rule engine and by the answerer reads the same in every view."""
    text = "The maximum back-end DTI ratio for a conventional loan is 45%."
    chunk = guide_chunk(text, cid=12, page_end=4)
    result = retrieval_result(chunk, query="DTI", score=0.9)
    sentence = compose_answer("DTI", result, embedder=KeywordEmbedder(), min_score=0.5, max_sentences=1).sentences[0]
    quote = CitedQuote.model_validate(OLD_QUOTE)
    assert isinstance(sentence.citation, Citation) and isinstance(quote, Citation)
    assert sentence.citation.label() == quote.label() == OLD_LABEL
    assert (sentence.citation.char_offset, sentence.citation.char_end) == (1000, 1000 + len(text))
    spread = chunk.citation.model_copy(update={"page_end": 5})
    assert spread.label() == "Conventional Guide, pp. 4-5, 5.2 Debt-to-Income Limits"
    assert chunk.citation.to_dict() == {
        "chunk_id": 12,
        "doc_name": "Conventional Guide",
        "page_num": 4,
        "page_end": 4,
        "section": "5. Qualifying Ratios",
        "subsection": "5.2 Debt-to-Income Limits",
        "char_offset": 1000,
        "char_end": 1000 + len(text),
    }
