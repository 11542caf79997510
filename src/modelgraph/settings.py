"""Twelve-factor settings: every knob is a ``MODELGRAPH_*`` environment variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from modelgraph.domain.registry import ExecutionType


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
    # Seconds to open one connection; waiting for a pooled one may take twice that. Sized for a
    # request: an unreachable database answers UNAVAILABLE within about 2 s, not a batch job's 30.
    neo4j_connection_timeout: float = Field(default=0.5, gt=0)
    # Seconds the driver keeps retrying a failed transaction (one retry after about 1 s).
    neo4j_retry_time: float = Field(default=0.5, ge=0)
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
    # Host headers answered (comma-separated; `*` for any); empty: the bind host and localhost.
    allowed_hosts: str = ""
    # Origins allowed to call the API from a browser (comma-separated); empty: CORS off.
    cors_origins: str = ""
    # Request bodies above this many bytes are refused with 413 before they are read.
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    # GraphQL answers above this many bytes are replaced by a RESPONSE_TOO_LARGE error.
    max_response_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    # Requests per second per client (0 turns the limit off), with bursts up to the burst size.
    rate_limit_per_second: float = Field(default=50.0, ge=0)
    rate_limit_burst: int = Field(default=200, ge=1)
    # Loopback clients (local scripts, the bench) are not limited unless this is true.
    rate_limit_loopback: bool = False

    def allowed_host_names(self) -> list[str]:
        """Host names (without port) this service answers to."""
        configured = [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        return configured or sorted({self.host.lower(), "localhost", "127.0.0.1", "::1"})

    def cors_origin_list(self) -> list[str]:
        """Origins allowed by CORS; empty means CORS is off."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

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
    # OpenLineage ingest: jobType facet's jobType -> Execution type ({"TASK": "PREPROCESSING"}).
    openlineage_job_types: dict[str, ExecutionType] = {}
    # Regex (full match) of output namespaces holding models: such outputs are model versions.
    openlineage_model_namespace: str = ""
    # Most events in one POST /api/v1/lineage/batch.
    openlineage_max_batch: int = Field(default=1000, ge=1, le=100_000)
    # `modelgraph serve` worker processes: uvicorn workers sharing nothing but Neo4j (metrics
    # are aggregated across them through PROMETHEUS_MULTIPROC_DIR).
    workers: int = Field(default=1, ge=1, le=64)

    # Idempotency-Key: seconds a key (and the answer kept for it) lives.
    idempotency_ttl: float = Field(default=86400.0, gt=0)
    # Seconds between background deletions of expired idempotency keys.
    idempotency_prune_interval: float = Field(default=600.0, gt=0)

    def neo4j_auth(self) -> tuple[str, str] | None:
        """Driver auth: MODELGRAPH_NEO4J_PASSWORD, else the local server's stored password."""
        from modelgraph.neo4j_local.password import stored_password

        password = self.neo4j_password.get_secret_value() or stored_password(self.home)
        return (self.neo4j_user, password) if password else None
