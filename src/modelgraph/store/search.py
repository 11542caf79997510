"""Full-text search over every entity kind (name, description, tags), ranked and typo-tolerant.

The user's text never becomes Lucene syntax: it is split into word tokens, each token is escaped
and expanded into exact, prefix (type-ahead) and fuzzy (typo) clauses, and the resulting query is
sent as a ``$parameter`` to one fixed Cypher file over the ``entity_search`` index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import Principal
from modelgraph.store import access
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_ENTITIES = query("search/entities")

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_FIRST = 100
DEFAULT_FIRST = 10
# Lucene's query-syntax characters; tokens are word characters already, escaping is a second guard.
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One matching entity: its properties, Lucene score and the name of its parent, if any."""

    props: Record
    score: float
    parent_name: str | None


def escape(term: str) -> str:
    """``term`` with every Lucene special character backslash-escaped."""
    return _LUCENE_SPECIAL.sub(r"\\\1", term)


def lucene_query(text: str) -> str | None:
    """The Lucene query for the user's ``text``, or None when it has no word to search for.

    Per term: exact (boosted), prefix (so "chu" finds churn while typing) and, from three letters
    on, fuzzy with one edit (two from six letters) so "chrun" still finds churn. Terms are OR-ed:
    a node matching more of them scores higher.
    """
    terms = list(dict.fromkeys(_TOKEN.findall(text.lower())))[:MAX_TERMS]
    clauses = []
    for raw in terms:
        term = escape(raw)
        parts = [f"{term}^4", f"{term}*^2"]
        if len(raw) >= 3:
            parts.append(f"{term}~{2 if len(raw) >= 6 else 1}")
        clauses.append("(" + " OR ".join(parts) + ")")
    return " OR ".join(clauses) or None


def check_input(text: str, first: int) -> None:
    """Raise Invalid for an empty or over-long query or an out-of-range ``first``."""
    if not text.strip():
        raise Invalid("query must not be empty", field="query")
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid(f"query must be at most {MAX_QUERY_LENGTH} characters", field="query")
    if not 1 <= first <= MAX_FIRST:
        raise Invalid(f"first must be between 1 and {MAX_FIRST}", field="first")


async def search(
    db: Database,
    text: str,
    kinds: list[Label] | None = None,
    first: int = DEFAULT_FIRST,
    *,
    actor: Principal,
) -> list[SearchHit]:
    """Entities ``actor`` may read matching ``text``, best first, optionally only of ``kinds``;
    at most ``first`` (the read rule runs in the search query, before the limit)."""
    check_input(text, first)
    lucene = lucene_query(text)
    if lucene is None:
        return []
    kind_names = [kind.value for kind in kinds or []]

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        reader = await access.reader_tx(db, tx, actor)
        return await db.fetch(
            tx,
            "search/entities",
            _ENTITIES,
            query=lucene,
            kinds=kind_names,
            limit=first,
            **reader.parameters(),
        )

    rows = await db.read(work)
    return [
        SearchHit(props=row["props"], score=float(row["score"]), parent_name=row["parentName"])
        for row in rows
    ]
