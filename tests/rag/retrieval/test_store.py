"""The chunk lookup the citation explorer resolves traces with: one query, file names included."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.retrieval.store import ChunkDetail, chunk_details
from tests.rag.retrieval.helpers import add_document, vec

pytestmark = pytest.mark.integration


def test_chunk_details_resolves_ids_with_their_file_and_skips_missing_ones(empty_db):
    with empty_db() as session:
        a, b = add_document(
            session, "Conventional", ["conventional"], [("alpha rule", vec(1, 0, 0)), ("beta rule", vec(0, 1, 0))]
        )
        found = chunk_details(session=session, ids=[b, a, a, 999_999])
        assert set(found) == {a, b}
        assert replace(found[b], content_hash=None) == ChunkDetail(
            b, "Conventional", "Conventional.pdf", 1, 1, None, None, "beta rule"
        )
        assert found[b].content_hash == found[a].content_hash
        assert found[b].where == "" and chunk_details(session=session, ids=[]) == {}
