"""Change events and webhooks only show a caller what it may read or manage."""

from __future__ import annotations

import httpx

from modelgraph.domain.access import Permission, SubjectType
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import access
from modelgraph.store import webhooks as webhook_store
from modelgraph.store.db import Database
from tests.auth.test_read_lineage import call, ok
from tests.auth.test_read_lists import HIDDEN, MODELS, setup

POLL = """query($scope: ID) { events(first: 1000, scopeId: $scope) {
  type entityId scopeIds payload } }"""


async def test_a_poll_leaves_out_events_of_models_closed_to_the_caller(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await setup(http, db)
    hidden_ids = {ids[m] for m in HIDDEN}

    def about(events: list[dict[str, object]], model_ids: set[str]) -> list[dict[str, object]]:
        # An event is about a model when the model or one of its versions is its entity/scope.
        return [e for e in events if set(e["scopeIds"]) & model_ids]  # type: ignore[arg-type]

    everything = (await ok(http, admin, POLL))["events"]
    # registerModel records the model's and the version's created events, at least.
    assert len(about(everything, hidden_ids)) >= 2 * len(HIDDEN)
    seen = (await ok(http, viewer, POLL))["events"]
    assert about(seen, hidden_ids) == []
    visible_ids = {ids[m] for m in MODELS if m not in HIDDEN}
    assert about(seen, visible_ids) == about(everything, visible_ids)
    # The payload names nothing hidden either (registerModel's events carry the names).
    assert not {m for m in HIDDEN if any(m in str(e["payload"]) for e in seen)}

    # Asking for one closed model's events is refused, as a direct read of it is.
    [hidden] = sorted(HIDDEN)[:1]
    refused = await call(http, viewer, POLL, scope=ids[hidden])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # A grant opens the model's events to the viewer from the next poll on.
    await access.set_grant(
        db, ids[hidden], SubjectType.USER, "carol", Permission.READ, actor=SYSTEM
    )
    opened = (await ok(http, viewer, POLL, scope=ids[hidden]))["events"]
    assert opened and all(ids[hidden] in e["scopeIds"] for e in opened)


async def test_the_webhook_list_shows_what_the_caller_may_manage(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await setup(http, db)
    owner = (await access.create_token(db, "o", "olga", ["contributor"], None, actor=SYSTEM)).secret
    await access.set_grant(
        db, ids["fleet-0"], SubjectType.USER, "olga", Permission.MANAGE, actor=SYSTEM
    )
    for scope, url in ((ids["fleet-0"], "https://hooks.test/fleet-0"), (None, "https://ops.test")):
        await webhook_store.create(
            db,
            {
                "id": f"hook-{scope}",
                "url": url,
                "eventTypes": [],
                "scopeId": scope,
                "secret": "whsec_test",
                "description": None,
            },
            actor=SYSTEM,
        )
    listed = "{ webhooks { url scopeId } }"
    assert {w["url"] for w in (await ok(http, admin, listed))["webhooks"]} == {
        "https://hooks.test/fleet-0",
        "https://ops.test",
    }
    assert (await ok(http, owner, listed))["webhooks"] == [
        {"url": "https://hooks.test/fleet-0", "scopeId": ids["fleet-0"]}
    ]
    assert (await ok(http, viewer, listed))["webhooks"] == []
