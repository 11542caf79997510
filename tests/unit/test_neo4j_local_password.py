"""The local server's generated password: created once, owner-only, read by the service."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.password import (
    ensure_password,
    local_password,
    password_file,
    stored_password,
)
from modelgraph.settings import Settings


def test_first_use_generates_an_owner_only_password(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert stored_password(home) is None
    first = ensure_password(home)
    assert len(first) >= 24
    assert stat.S_IMODE(password_file(home).stat().st_mode) == 0o600
    assert ensure_password(home) == first == stored_password(home)
    assert local_password(home, "from-the-environment") == "from-the-environment"
    assert local_password(home, None) == first


def test_a_password_file_others_can_read_is_refused(tmp_path: Path) -> None:
    ensure_password(tmp_path)
    password_file(tmp_path).chmod(0o644)
    with pytest.raises(LocalNeo4jError, match="chmod 600"):
        stored_password(tmp_path)


def test_settings_use_the_stored_password_unless_one_is_configured(tmp_path: Path) -> None:
    plain = Settings(home=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert plain.neo4j_auth() is None
    generated = ensure_password(tmp_path)
    assert plain.neo4j_auth() == ("neo4j", generated)
    configured = Settings(
        home=tmp_path,
        neo4j_password=SecretStr("configured-password"),
        _env_file=None,  # type: ignore[call-arg]
    )
    assert configured.neo4j_auth() == ("neo4j", "configured-password")
