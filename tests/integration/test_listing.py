"""The generic list query: filters in DNF, ordering and keyset pages on a real Neo4j."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import SYSTEM
from modelgraph.store.db import Database
from modelgraph.store.listing import (
    And,
    Cursor,
    ListRequest,
    Not,
    Op,
    Or,
    Predicate,
    SortKey,
    count,
    like_to_regex,
    list_page,
)
from tests.factories import create_entities


async def _seed(db: Database) -> None:
    rows = []
    for i in range(30):
        rows.append(
            {
                "name": f"model-{i:02d}",
                "framework": "xgboost" if i % 2 == 0 else "pytorch",
                "owner": "team-risk" if i % 3 == 0 else "team-growth",
                "tags": ["regulated"] if i % 5 == 0 else [],
                "cp.rows": i * 1000,
                "m.accuracy": i / 30,
            }
        )
    await create_entities(db, Label.REGISTERED_MODEL, rows)


async def _all_names(db: Database, req: ListRequest) -> list[str]:
    names: list[str] = []
    after: Cursor | None = None
    while True:
        page = await list_page(db, ListRequest(**{**req.__dict__, "after": after}), actor=SYSTEM)
        names.extend(n["name"] for n in page.nodes)
        if not page.has_next:
            return names
        after = Cursor.decode(page.cursors[-1], req.sort_key)


async def test_pages_cover_everything_once_in_order(db: Database) -> None:
    await _seed(db)
    req = ListRequest(kind=Label.REGISTERED_MODEL, first=7, sort_key=SortKey.NAME)
    assert await _all_names(db, req) == [f"model-{i:02d}" for i in range(30)]
    desc = ListRequest(
        kind=Label.REGISTERED_MODEL, first=4, sort_key=SortKey.CREATED, descending=True
    )
    assert await _all_names(db, desc) == [f"model-{i:02d}" for i in reversed(range(30))]


async def test_and_or_not_filters(db: Database) -> None:
    await _seed(db)
    xgb = Predicate("framework", Op.EQ, "xgboost")
    risk_or_regulated = Or(
        [Predicate("owner", Op.EQ, "team-risk"), Predicate("tags", Op.HAS, "regulated")]
    )
    req = ListRequest(
        kind=Label.REGISTERED_MODEL,
        first=100,
        sort_key=SortKey.NAME,
        filter=And([xgb, risk_or_regulated]),
    )
    expected = [f"model-{i:02d}" for i in range(30) if i % 2 == 0 and (i % 3 == 0 or i % 5 == 0)]
    assert [n["name"] for n in (await list_page(db, req, actor=SYSTEM)).nodes] == expected
    assert await count(db, req, actor=SYSTEM) == len(expected)

    negated = ListRequest(
        kind=Label.REGISTERED_MODEL,
        first=100,
        filter=Not(And([xgb, Predicate("m.accuracy", Op.GT, 0.5)])),
    )
    expected_neg = [i for i in range(30) if not (i % 2 == 0 and i / 30 > 0.5)]
    assert await count(db, negated, actor=SYSTEM) == len(expected_neg)

    ilike = ListRequest(
        kind=Label.REGISTERED_MODEL,
        first=100,
        filter=Predicate("name", Op.MATCHES, like_to_regex("MODEL-1%", case_insensitive=True)),
    )
    assert await count(db, ilike, actor=SYSTEM) == 10
    typed = ListRequest(
        kind=Label.REGISTERED_MODEL, first=100, filter=Predicate("cp.rows", Op.GTE, 25_000)
    )
    assert await count(db, typed, actor=SYSTEM) == 5


async def test_bad_inputs_are_invalid(db: Database) -> None:
    with pytest.raises(Invalid):
        await list_page(db, ListRequest(kind=Label.REGISTERED_MODEL, first=101), actor=SYSTEM)
    with pytest.raises(Invalid):
        Cursor.decode("not-a-cursor", SortKey.NAME)
    token = Cursor(SortKey.NAME, "a", "b").encode()
    with pytest.raises(Invalid):
        Cursor.decode(token, SortKey.CREATED)
    explosive = And([Or([Predicate("name", Op.EQ, str(i)) for i in range(4)]) for _ in range(5)])
    with pytest.raises(Invalid):
        await list_page(
            db, ListRequest(kind=Label.REGISTERED_MODEL, filter=explosive), actor=SYSTEM
        )
