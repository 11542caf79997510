"""Twelve-factor settings: every knob is a ``MODELGRAPH_*`` environment variable."""

from __future__ import annotations

from pathlib import Path

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
    # Header that names the acting user until real authentication exists.
    user_header: str = "x-modelgraph-user"
    log_level: str = "info"
    # Plan the lineage queries at start-up (in the background) so first requests are fast.
    warm_up: bool = True

    # Events and webhooks: outbound targets, retry schedule, worker timings.
    # Hosts or CIDRs webhooks may reach although loopback/private/link-local (SSRF guard).
    webhook_allow: str = ""
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    # Backoff before attempt n+1: base * 2**(n-1) seconds, capped; Retry-After wins when longer.
    webhook_backoff_base: float = Field(default=2.0, gt=0)
    webhook_backoff_max: float = Field(default=3600.0, gt=0)
    webhook_timeout: float = Field(default=10.0, gt=0)
    webhook_lease: float = Field(default=60.0, gt=0)
    # Start the delivery worker in the service lifespan (off only for tests and tools).
    webhook_worker: bool = True
    # Seconds between outbox polls (delivery worker and subscriptions).
    events_poll_interval: float = Field(default=0.5, gt=0)
    # One JSON line per request on the modelgraph.access logger.
    access_log: bool = True
    # Seconds between background refreshes of the entity-count gauges.
    metrics_refresh_interval: float = Field(default=30.0, gt=0)

    def neo4j_auth(self) -> tuple[str, str] | None:
        """Driver auth tuple, or None when the server runs without authentication."""
        password = self.neo4j_password.get_secret_value()
        return (self.neo4j_user, password) if password else None
