"""The plain-dict store functions GraphQL and REST share, against a real Neo4j."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Conflict, Invalid, NotFound
from modelgraph.domain.graph import Label, State
from modelgraph.domain.principal import SYSTEM, Principal
from modelgraph.store import entities
from modelgraph.store.db import Database


async def test_create_get_update_and_lookups(db: Database) -> None:
    model = await entities.create(
        db, Label.REGISTERED_MODEL, {"name": "m", "externalId": "ext-1"}, actor=Principal("ann")
    )
    assert (model["author"], model["state"], model["tags"]) == ("ann", "LIVE", [])
    version = await entities.create(
        db, Label.MODEL_VERSION, {"name": "v1"}, actor=Principal("ann"), parent_id=model["id"]
    )
    assert version["parentId"] == model["id"]
    assert await entities.get(db, version["id"], Label.MODEL_VERSION, actor=SYSTEM) == version
    assert await entities.get(db, version["id"], Label.DATASET, actor=SYSTEM) is None
    assert await entities.get_by_name(db, Label.MODEL_VERSION, "v1", "m", actor=SYSTEM) == version
    assert await entities.get_by_name(db, Label.MODEL_VERSION, "v1", "other", actor=SYSTEM) is None
    assert await entities.get_by_external_id(db, Label.REGISTERED_MODEL, "ext-1") == model
    assert await entities.get_by_external_id(db, Label.DATASET, "ext-1") is None
    updated = await entities.update(
        db, Label.REGISTERED_MODEL, model["id"], {"owner": "o"}, actor=Principal("bob")
    )
    assert (updated["owner"], updated["updatedBy"]) == ("o", "bob")
    archived = await entities.edit(
        db, model["id"], actor=Principal("bob"), set_props={"state": State.ARCHIVED.value}
    )
    assert archived["state"] == "ARCHIVED"
    kids = await entities.children(db, [Label.MODEL_VERSION], [model["id"], "none"])
    assert kids == {model["id"]: [version], "none": []}
    edited = await entities.edit(
        db, version["id"], actor=Principal("c"), add_tags=["x"], set_props={"cp.a": 1}
    )
    assert (edited["tags"], edited["cp.a"]) == (["x"], 1)


async def test_rules(db: Database) -> None:
    with pytest.raises(Invalid):
        await entities.create(db, Label.MODEL_VERSION, {"name": "v"}, actor=Principal("a"))
    with pytest.raises(NotFound):
        await entities.create(
            db, Label.MODEL_VERSION, {"name": "v"}, actor=Principal("a"), parent_id="x"
        )
    with pytest.raises(Invalid):
        await entities.create(db, Label.DATASET, {"name": "d", "id": "mine"}, actor=Principal("a"))
    await entities.create(db, Label.DATASET, {"name": "d", "externalId": "e"}, actor=Principal("a"))
    with pytest.raises(Conflict):
        await entities.create(
            db, Label.DATASET, {"name": "d2", "externalId": "e"}, actor=Principal("a")
        )
    with pytest.raises(NotFound):
        await entities.update(db, Label.DATASET, "missing", {"owner": "o"}, actor=Principal("a"))
