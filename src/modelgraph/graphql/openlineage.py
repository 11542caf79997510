"""`columnLineage(dataset, field, direction)`: column-level lineage recorded from OpenLineage."""

from __future__ import annotations

from typing import Annotated

import strawberry

from modelgraph.graphql.context import Info
from modelgraph.graphql.scalars import JSON
from modelgraph.store import columns as store

ColumnLineageDirection = strawberry.enum(
    store.ColumnDirection,
    name="ColumnLineageDirection",
    description="UPSTREAM = the columns it is computed from; DOWNSTREAM = computed from it.",
)
ColumnFirst = Annotated[
    int, strawberry.argument(description=f"Most edges returned: 1-{store.MAX_EDGES}.")
]


@strawberry.type(description="A column of a dataset version.")
class ColumnRef:
    dataset: str
    version: str
    version_id: strawberry.ID
    field: str


@strawberry.type(
    description="`column` is derived from `source` by the run `runId` (DERIVES_FROM); "
    "`transformations` as OpenLineage's columnLineage facet gave them "
    "([{type, subtype, description, masking}])."
)
class ColumnEdge:
    column: ColumnRef
    source: ColumnRef
    run_id: str
    execution_id: strawberry.ID | None
    transformations: JSON

    @classmethod
    def of(cls, link: store.ColumnLink) -> ColumnEdge:
        """From a store edge."""
        return cls(
            column=ColumnRef(
                dataset=link.dataset,
                version=link.version,
                version_id=strawberry.ID(link.version_id),
                field=link.field,
            ),
            source=ColumnRef(
                dataset=link.source_dataset,
                version=link.source_version,
                version_id=strawberry.ID(link.source_version_id),
                field=link.source_field,
            ),
            run_id=link.run_id,
            execution_id=strawberry.ID(link.execution_id) if link.execution_id else None,
            transformations=JSON(link.transformations),
        )


@strawberry.type
class OpenLineageQuery:
    @strawberry.field(
        description="Column lineage of `dataset`.`field` (every version, or `version`): the "
        "DERIVES_FROM edges on paths of at most 10 steps, upstream or downstream."
    )
    async def column_lineage(
        self,
        info: Info,
        dataset: str,
        field: str,
        direction: ColumnLineageDirection = store.ColumnDirection.UPSTREAM,  # type: ignore[valid-type]
        version: str | None = None,
        first: ColumnFirst = 1_000,
    ) -> list[ColumnEdge]:
        links = await store.column_lineage(
            info.context.db,
            dataset,
            field,
            store.ColumnDirection(direction),
            version=version,
            first=first,
        )
        return [ColumnEdge.of(link) for link in links]
