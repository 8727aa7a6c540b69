"""Settings validation for the ingestion thread scheme."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from core.settings import Settings

pytestmark = pytest.mark.unit


def test_ingest_embeds_on_two_workers_by_default_and_queries_on_one_thread(monkeypatch):
    monkeypatch.delenv("INGEST_THREADS", raising=False)
    monkeypatch.delenv("TORCH_THREADS", raising=False)
    settings = Settings(_env_file=None)
    assert (settings.ingest_threads, settings.torch_threads) == (2, 1)


def test_ingest_threads_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("INGEST_THREADS", "3")
    assert Settings(_env_file=None).ingest_threads == 3


@pytest.mark.parametrize("value", ["0", "-1", "65", "two"])
def test_ingest_threads_out_of_range_are_refused(monkeypatch, value):
    monkeypatch.setenv("INGEST_THREADS", value)
    with pytest.raises(ValidationError, match="ingest_threads"):
        Settings(_env_file=None)


def test_the_openai_key_is_a_secret_like_the_other_keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-1234")
    settings = Settings(_env_file=None)
    assert isinstance(settings.openai_api_key, SecretStr)
    assert settings.openai_api_key.get_secret_value() == "sk-live-1234"
    assert "sk-live-1234" not in repr(settings) and "sk-live-1234" not in str(settings.model_dump())


@pytest.mark.unit
def test_the_test_session_keeps_its_data_out_of_the_checkout():
    """Bug: `make test` wrote an SSN key file and a batch file into the checkout's own .data before the app ever
    ran (issue 21, point 17): code that reads the settings itself now gets the session's temporary DATA_DIR."""
    from core.settings import PROJECT_ROOT, Settings

    data_dir = Settings().data_dir.resolve()
    assert not data_dir.is_relative_to(PROJECT_ROOT.resolve()), data_dir
