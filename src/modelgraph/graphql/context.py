"""Per-request context: the database, settings, acting user and this request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from modelgraph.domain.access import local_principal
from modelgraph.domain.principal import Principal
from modelgraph.settings import Settings
from modelgraph.store.db import Database


@dataclass
class Context:
    """What every resolver may use; loaders live exactly as long as one request."""

    db: Database
    settings: Settings
    user: str | None = None
    # Set by the authentication edge; in-process callers (demo, tests) act locally as ``user``.
    principal: Principal | None = None
    loaders: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.principal is None:
            self.principal = local_principal(self.user)

    @property
    def actor(self) -> Principal:
        """Who is acting: the principal the authentication edge established."""
        assert self.principal is not None
        return self.principal


Info = StrawberryInfo[Context, None]
