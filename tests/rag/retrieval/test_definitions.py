"""Definitions mined from the documents: a question that restates a definition is searched with the term."""

from __future__ import annotations

import numpy as np
import pytest

from rag.retrieval import Retriever
from rag.retrieval.definitions import Definition, Glossary, mine_definitions
from rag.retrieval.rerank import NoOpReranker

REG_TEXT = (
    "(b) Definitions. Loss mitigation option means an alternative to foreclosure offered by the owner or\n"
    "assignee of a mortgage loan that is made available through the servicer to the borrower. Delinquency "
    "means a period of time during which a borrower and a borrower's mortgage loan obligation are delinquent. "
    "This section means nothing in particular here."
)
GUIDE_TEXT = "A second home is a one-unit property that the borrower occupies for part of the year."


@pytest.mark.unit
def test_definitions_are_mined_from_means_and_is_a_sentences():
    found = mine_definitions([REG_TEXT, GUIDE_TEXT, "Delinquency means something else later."])
    assert [d.term for d in found] == ["Loss mitigation option", "Delinquency", "second home"]
    assert found[0].body.startswith("an alternative to foreclosure offered by the owner or assignee")
    assert found[2].body == "a one-unit property that the borrower occupies for part of the year"


@pytest.mark.unit
def test_terms_for_keeps_close_definitions_not_already_named():
    vecs = np.eye(3, dtype=np.float32)
    glossary = Glossary("fp", (Definition("Alpha", "a"), Definition("Beta", "b"), Definition("Gamma", "c")), vecs)
    query = np.array([0.8, 0.6, 0.0], dtype=np.float32)
    assert glossary.terms_for("what is it", query, min_score=0.5, limit=2) == ["Alpha", "Beta"]
    assert glossary.terms_for("what is alpha", query, min_score=0.5, limit=2) == ["Beta"]
    assert glossary.terms_for("what is it", query, min_score=0.7, limit=2) == ["Alpha"]


@pytest.mark.integration
@pytest.mark.parametrize("on", [True, False])
def test_a_question_restating_a_definition_is_searched_with_the_defined_term(on, seeded_db, embedder, settings):
    """The seed conventional guide defines 'second home'; an everyday restatement reaches the term."""
    tuned = settings.model_copy(
        update={"definition_expansion": on, "definition_min_score": 0.45, "lay_term_expansion": False}
    )
    retriever = Retriever(session_factory=seeded_db, embedder=embedder, reranker=NoOpReranker(), settings=tuned)
    result = retriever.retrieve("a house I stay in only some months of the year", k=5)
    (rewrite,) = result.trace.stage("rewrite")
    assert ("second home" in rewrite.variants[0]) is on
