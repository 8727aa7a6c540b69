"""The audit key (outside the database, 0600 in development, required in production) and the anchor file."""

from __future__ import annotations

import json
import stat

import pytest
from pydantic import SecretStr

from core.audit.anchor import Anchor, anchor_path, read_anchor, write_anchor
from core.audit.keys import DEV_KEY_FILE, audit_key
from core.errors import ConfigurationError
from core.settings import Settings

pytestmark = pytest.mark.unit


def make_settings(tmp_path, **changes) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **{"audit_hmac_key": SecretStr(""), **changes})


def test_development_key_is_created_once_with_mode_0600(tmp_path):
    first = audit_key(make_settings(tmp_path))
    path = tmp_path / DEV_KEY_FILE
    assert len(first) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_key(make_settings(tmp_path)) == first


def test_a_configured_key_is_used_and_nothing_is_written(tmp_path):
    assert audit_key(make_settings(tmp_path, audit_hmac_key=SecretStr("from-the-vault"))) == b"from-the-vault"
    assert not (tmp_path / DEV_KEY_FILE).exists()


def test_production_refuses_to_generate_a_key(tmp_path):
    with pytest.raises(ConfigurationError, match="AUDIT_HMAC_KEY"):
        audit_key(make_settings(tmp_path, app_env="production"))
    assert not (tmp_path / DEV_KEY_FILE).exists()


def test_the_anchor_only_moves_forward_and_is_signed(tmp_path):
    path = anchor_path(tmp_path, "lg/x")
    assert path.parent == tmp_path and "/" not in path.name
    write_anchor(path, Anchor("lg/x", 7, "h7"), b"key")
    write_anchor(path, Anchor("lg/x", 5, "h5"), b"key")  # an older head never replaces a newer one
    assert read_anchor(path, b"key") == Anchor("lg/x", 7, "h7")
    with pytest.raises(ValueError, match="invalid signature"):
        read_anchor(path, b"another key")
    path.write_text(json.dumps({**json.loads(path.read_text()), "record_id": 9}))
    with pytest.raises(ValueError, match="invalid signature"):
        read_anchor(path, b"key")
    path.write_text("{not json")
    with pytest.raises(ValueError, match="unreadable"):
        read_anchor(path, b"key")
    write_anchor(path, Anchor("lg/x", 8, "h8"), b"key")  # a damaged anchor is evidence: kept as it is
    assert path.read_text() == "{not json"
