"""Twelve-factor settings: every knob is a ``MODELGRAPH_*`` environment variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    """Where local state (the Docker-free Neo4j, its data) lives unless MODELGRAPH_HOME says."""
    return Path(platformdirs.user_data_dir("modelgraph"))


class Settings(BaseSettings):
    """Service configuration, read from the environment (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="MODELGRAPH_", env_file=".env", extra="ignore")

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    home: Path = Field(default_factory=default_home)
    # Seconds a driver call may wait for a connection before the request fails as unavailable.
    neo4j_connection_timeout: float = Field(default=3.0, gt=0)
    # Seconds one transaction may run on the server before Neo4j stops it.
    neo4j_transaction_timeout: float = Field(default=30.0, gt=0)
    # PRODUCTION requires an approval by someone other than the version's author.
    require_approval_for_production: bool = False
    # Header naming the acting user; honoured only when auth is `none` (local, loopback only).
    user_header: str = "x-modelgraph-user"
    # Authentication: `oidc` (identity-provider tokens and API tokens), `tokens`, or `none`.
    auth: Literal["oidc", "tokens", "none"] = "none"
    auth_issuer: str = ""
    auth_audience: str = ""
    auth_groups_claim: str = "groups"
    # Claim naming the user (`sub` is stable; `preferred_username` reads better in audits).
    auth_user_claim: str = "sub"
    # Seconds of clock skew tolerated on exp / nbf / iat.
    auth_leeway: int = Field(default=30, ge=0, le=300)
    # Seconds between JWKS refetches forced by unknown key ids (bounds load on the provider).
    auth_jwks_cooldown: float = Field(default=30.0, ge=0)
    # JSON map group -> global roles, e.g. {"ml-admins": ["admin"]}.
    auth_group_roles: dict[str, list[Literal["viewer", "contributor", "approver", "admin"]]] = {}
    # Roles every authenticated principal holds.
    auth_default_roles: list[Literal["viewer", "contributor", "approver", "admin"]] = ["viewer"]
    log_level: str = "info"
    # Plan the lineage queries at start-up (in the background) so first requests are fast.
    warm_up: bool = True

    def neo4j_auth(self) -> tuple[str, str] | None:
        """Driver auth tuple, or None when the server runs without authentication."""
        password = self.neo4j_password.get_secret_value()
        return (self.neo4j_user, password) if password else None
