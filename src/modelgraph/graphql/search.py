"""`search(query, kinds, first)`: ranked, typo-tolerant full-text search over every entity kind."""

from __future__ import annotations

from typing import Any

import strawberry

from modelgraph.domain.graph import Label, State
from modelgraph.graphql import types as t
from modelgraph.graphql.context import Info
from modelgraph.graphql.lineage import EntityKind
from modelgraph.store import search as store


@strawberry.type(description="One search result: the entity, its kind and label, and its score.")
class SearchHit:
    id: strawberry.ID
    kind: EntityKind
    name: str
    label: str = strawberry.field(description="`parent:version` for versions, else the name.")
    parent_name: str | None = strawberry.field(description="The model or dataset of a version.")
    state: t.EntityState  # type: ignore[valid-type]
    score: float = strawberry.field(description="Lucene relevance; hits come best first.")
    _props: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_hit(cls, hit: store.SearchHit) -> SearchHit:
        """From a store hit."""
        props = hit.props
        kind = str(props["kind"])
        name = str(props.get("name", ""))
        versioned = kind in (Label.MODEL_VERSION, Label.DATASET_VERSION)
        return cls(
            id=strawberry.ID(str(props["id"])),
            kind=EntityKind(kind),
            name=name,
            label=f"{hit.parent_name}:{name}" if versioned and hit.parent_name else name,
            parent_name=hit.parent_name,
            state=State(props.get("state") or State.LIVE.value),
            score=hit.score,
            _props=dict(props),
        )

    @strawberry.field
    def description(self) -> str | None:
        return self._props.get("description")

    @strawberry.field
    def tags(self) -> list[str]:
        return list(self._props.get("tags") or [])

    @strawberry.field(description="The full registry object (no extra read).")
    def entity(self) -> t.Entity:
        return t.entity_from_node(self._props)


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Entities whose name, description or tags match `query`, best first: "
        "word prefixes and small typos match too. `kinds` restricts the kinds; `first` <= 100."
    )
    async def search(
        self,
        info: Info,
        query: str,
        kinds: list[EntityKind] | None = None,
        first: int = store.DEFAULT_FIRST,
    ) -> list[SearchHit]:
        labels = [Label(kind.value) for kind in kinds or []]
        hits = await store.search(info.context.db, query, labels, first, actor=info.context.actor)
        return [SearchHit.from_hit(hit) for hit in hits]
