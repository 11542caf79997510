"""Required input fields are required in validation, not discovered as a server error later."""

from __future__ import annotations

import httpx
import pytest

from modelgraph.graphql.schema import schema
from tests.conftest import gql

CREATES = [
    "createRegisteredModel",
    "createDataset",
    "createExperiment",
    "createServingEnvironment",
]


@pytest.mark.parametrize("field", CREATES)
async def test_create_without_name_is_a_validation_error(
    field: str, client: httpx.AsyncClient
) -> None:
    body = await gql(client, f"mutation {{ {field}(input: {{}}) {{ id }} }}")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", errors


def test_no_required_input_field_has_a_null_default() -> None:
    from graphql import GraphQLInputObjectType, GraphQLNonNull

    bad = [
        f"{name}.{field}"
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLInputObjectType)
        for field, f in t.fields.items()
        if isinstance(f.type, GraphQLNonNull) and f.default_value is None
    ]
    assert bad == []
