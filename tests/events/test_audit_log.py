"""The audit log is the change-event outbox: every write, access changes included, once."""

from __future__ import annotations

import httpx

from tests.conftest import gql

LOG = """query($f: AuditFilter) { auditLog(filter: $f, first: 50) {
  principal type entityId entityKind payload } }"""


async def test_audit_log_answers_who_did_what_from_the_outbox(client: httpx.AsyncClient) -> None:
    made = await gql(
        client,
        """mutation { m: createRegisteredModel(input: {name: "audited"}) { id }
          d: createDataset(input: {name: "audited-data"}) { id }
          t: createApiToken(name: "audited-token", principal: "ci", roles: [VIEWER]) {
            secret } }""",
        user="alice",
    )
    assert not made.get("errors"), made
    model_id = made["data"]["m"]["id"]  # type: ignore[index]
    everything = await gql(client, LOG, {"f": {"principal": "alice"}}, user="admin")
    rows = everything["data"]["auditLog"]  # type: ignore[index]
    assert {r["type"] for r in rows} == {
        "registered_model.created",
        "entity.created",
        "api_token.created",
    }
    one = await gql(client, LOG, {"f": {"entityId": model_id}}, user="admin")
    [created] = one["data"]["auditLog"]  # type: ignore[index]
    assert created["entityKind"] == "RegisteredModel" and created["principal"] == "alice"
    unknown = await gql(client, LOG, {"f": {"type": "no.such"}}, user="admin")
    assert unknown["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"  # type: ignore[index]
