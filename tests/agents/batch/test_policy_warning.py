"""`python -m agents.batch` says before it starts when every row will be referred for want of a rulebook."""

from __future__ import annotations

import pytest

from agents.batch.__main__ import policy_warning


@pytest.mark.integration
def test_an_empty_database_warns_to_ingest_and_publish_before_the_batch(empty_db):
    warning = policy_warning(empty_db)
    assert warning is not None
    assert "every row will be REFERRED" in warning
    assert "python -m rag.ingest" in warning and "python -m policy publish" in warning


@pytest.mark.integration
def test_a_published_rulebook_gives_no_warning(seeded_db):
    assert policy_warning(seeded_db) is None
