"""Which documents a question names, and an answer quoted only from the documents it names."""

from __future__ import annotations

import pytest

from rag.answer import INSUFFICIENT_CONTEXT, answer, compose_answer
from rag.retrieval.types import Chunk
from rag.scope import document_aliases, named_documents
from tests.rag.support import KeywordEmbedder, retrieval_result

REG_X = "Regulation X - Real Estate Settlement Procedures Act (12 CFR Part 1024)"
REG_C = "Regulation C - Home Mortgage Disclosure (12 CFR Part 1003)"
FHA = "FHA Insured Loan Program Guide"
UNDERWRITING = "General Underwriting Standards: Income, Debts, Ratios and Reserves"
LIBRARY = [REG_X, REG_C, FHA, UNDERWRITING]


@pytest.mark.unit
def test_a_document_is_named_by_a_part_of_its_name_or_the_initials_of_one():
    assert document_aliases(REG_X) == (
        ["Regulation X", "Real Estate Settlement Procedures Act", "12 CFR Part 1024"],
        ["RESPA"],
    )
    assert named_documents(["What credit score is required under RESPA?"], LIBRARY) == {REG_X}
    assert named_documents(["What does regulation x say about kickbacks?"], LIBRARY) == {REG_X}
    assert named_documents(["Is 12 CFR part 1003 the rule?", "under Regulation X"], LIBRARY) == {REG_C, REG_X}
    # the question's retrieval variants count: HMDA spelled out by the glossary names Regulation C
    assert named_documents(["Is it reported under HMDA?", "... Home Mortgage Disclosure Act"], LIBRARY) == {REG_C}


@pytest.mark.unit
def test_a_program_word_or_a_part_of_a_word_names_no_document():
    assert named_documents(["What is the maximum DTI for an FHA loan?"], LIBRARY) == set()
    assert named_documents(["Are reserves counted in the ratios?"], LIBRARY) == set()
    assert named_documents(["Does respa apply?", "PRESPAX"], LIBRARY) == set()  # initials as written, whole
    assert named_documents(["Which regulation applies?"], LIBRARY) == set()
    assert named_documents(["under RESPA"], []) == set()


def chunk(cid: int, doc: str, text: str) -> Chunk:
    return Chunk(id=cid, text=text, doc_name=doc, page_num=cid, page_end=cid, char_end=len(text))


REPORTING = chunk(1, REG_C, "A financial institution reports the credit score of borrowers relied on in deciding.")
ESCROW = chunk(2, REG_X, "The servicer shall not charge borrowers a fee for a credit score disclosure under this part.")


@pytest.mark.unit
def test_an_answer_to_a_question_naming_a_document_is_quoted_from_that_document_only():
    ask = dict(embedder=KeywordEmbedder(), min_score=0.1, max_sentences=3, documents=LIBRARY)
    scoped = compose_answer("borrowers under RESPA", retrieval_result(REPORTING, ESCROW), **ask)
    assert [s.chunk_id for s in scoped.sentences] == [2]
    # nothing of the named document retrieved: no answer, and the reply says which document was searched
    none = compose_answer("borrowers under RESPA", retrieval_result(REPORTING), **ask)
    assert not none.sufficient and REG_X in none.text and none.text != INSUFFICIENT_CONTEXT
    # a question naming no document is answered from any
    assert compose_answer("borrowers", retrieval_result(REPORTING), **ask).sufficient
    # without the library's names (a caller that passes none) nothing is scoped
    assert compose_answer("borrowers under RESPA", retrieval_result(REPORTING), **{**ask, "documents": ()}).sufficient


@pytest.mark.integration
def test_the_answerer_reads_the_library_names_from_the_database(retriever):
    names = retriever.document_names()
    assert "Conventional Conforming Loan Program Guide" in names and names == sorted(names)
    ans = answer("What is the maximum DTI under the Conventional Conforming Loan Program Guide?", retriever=retriever)
    assert ans.sufficient
    assert {s.citation.doc_name for s in ans.sentences} == {"Conventional Conforming Loan Program Guide"}
