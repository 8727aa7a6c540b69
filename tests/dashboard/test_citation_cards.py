"""Citation cards: a verified quote is highlighted; a mismatched quote or a missing file is said plainly."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.citation_cards import preview_source
from rag.retrieval.store import ChunkDetail
from tests.conftest import SEED_POLICIES

pytestmark = pytest.mark.integration
SENTENCE = "The minimum credit score for a conventional loan is 620."
CHUNK = ChunkDetail(
    7,
    "Conventional Loan Program Guide",
    "conventional.pdf",
    3,
    3,
    "3. Credit",
    "3.1 Minimum Credit Score",
    f"3.1 Minimum Credit Score\n{SENTENCE} The representative score",
)


def card_app(quote: str, detail, policy_dir, archive_dir=None) -> AppTest:
    def script(quote, detail, policy_dir, archive_dir):
        from dashboard.citation_cards import citation_card

        citation_card(
            doc_name="Conventional Loan Program Guide",
            page_num=3,
            section="3.1 Minimum Credit Score",
            quote=quote,
            detail=detail,
            policy_dir=policy_dir,
            archive_dir=archive_dir,
        )

    kwargs = {"quote": quote, "detail": detail, "policy_dir": policy_dir, "archive_dir": archive_dir}
    return AppTest.from_function(script, kwargs=kwargs, default_timeout=60).run()


def test_a_verified_quote_is_highlighted_with_the_whole_page_behind_an_expander():
    at = card_app(SENTENCE, CHUNK, SEED_POLICIES)
    assert not at.exception and not at.warning
    assert at.markdown[0].value == "**Conventional Loan Program Guide** · page 3 · 3.1 Minimum Credit Score"
    assert at.markdown[1].value == f"> {SENTENCE}"
    assert at.caption[0].value == "Highlighted on page 3 of conventional.pdf."
    assert len(at.image) == 2 and at.expander[0].label == "Open page 3 of conventional.pdf"


def test_a_quote_not_in_its_chunk_is_shown_but_never_highlighted():
    # the sentence is on the page, but not in the cited chunk: highlighting it would vouch for a bad citation
    other_chunk = ChunkDetail(**{**CHUNK.__dict__, "text": "3.2 Credit History\nA different passage."})
    at = card_app(SENTENCE, other_chunk, SEED_POLICIES)
    assert not at.exception
    assert "not in the text of the chunk it cites" in at.warning[0].value
    assert not [c for c in at.caption if c.value.startswith("Highlighted")] and len(at.image) == 2


def test_a_missing_policy_file_is_reported(tmp_path):
    at = card_app(SENTENCE, CHUNK, tmp_path)
    assert not at.exception and not at.image
    assert at.warning[0].value.startswith("Page preview unavailable: the policy file conventional.pdf is not in")


def test_a_superseded_version_is_previewed_from_its_archived_pdf(tmp_path):
    # today's file is gone (or changed); the version the chunk came from was archived at ingestion
    archive = tmp_path / "documents"
    archive.mkdir()
    (archive / "abc123.pdf").write_bytes((SEED_POLICIES / "conventional.pdf").read_bytes())
    old = ChunkDetail(**{**CHUNK.__dict__, "content_hash": "abc123"})
    assert preview_source(old, tmp_path, archive) == archive / "abc123.pdf"
    assert preview_source(CHUNK, tmp_path, archive) == tmp_path / "conventional.pdf"
    assert preview_source(old, tmp_path, None) == tmp_path / "conventional.pdf"
    at = card_app(SENTENCE, old, tmp_path / "nowhere", archive)
    assert not at.exception and not at.warning
    assert at.caption[0].value == "Highlighted on page 3 of conventional.pdf." and len(at.image) == 2


def test_a_chunk_gone_from_the_corpus_is_reported():
    at = card_app(SENTENCE, None, SEED_POLICIES)
    assert not at.exception and not at.image
    assert "no longer in the knowledge base" in at.warning[0].value
