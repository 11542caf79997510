"""Per-request context: the database, settings, acting user and this request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from modelgraph.domain.principal import ANONYMOUS, Principal
from modelgraph.settings import Settings
from modelgraph.store.db import Database


@dataclass
class Context:
    """What every resolver may use; loaders live exactly as long as one request."""

    db: Database
    settings: Settings
    user: str | None = None
    loaders: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Principal:
        """Who is acting: the user the request named, or the anonymous principal."""
        return Principal(self.user) if self.user else ANONYMOUS


Info = StrawberryInfo[Context, None]
