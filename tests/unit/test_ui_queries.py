"""Every GraphQL document in the page's sources is valid against schema.graphql.

The page talks to the public API only; a schema change that breaks one of its queries fails here
in milliseconds instead of in the browser tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "ui" / "src").glob("*.js"))
_FRAGMENT = re.compile(r'const (\w+) = "(fragment [^"]*)";')
_DOCUMENT = re.compile(r"`([^`]*\b(?:query|mutation) \w+[^`]*)`", re.S)


def documents() -> list[tuple[str, str]]:
    found = []
    for source in SOURCES:
        text = source.read_text()
        fragments = dict(_FRAGMENT.findall(text))
        for match in _DOCUMENT.finditer(text):
            body = match.group(1)
            for name, fragment in fragments.items():
                body = body.replace("${" + name + "}", fragment)
            found.append((source.name, body))
    return found


def test_the_page_has_its_queries() -> None:
    names = {re.search(r"query (\w+)", body).group(1) for _, body in documents()}  # type: ignore[union-attr]
    assert {"Lineage", "Trace", "Impact", "Expand", "Search", "Diff", "Details"} <= names


@pytest.mark.parametrize(("source", "document"), documents())
def test_page_query_is_valid_against_the_schema(source: str, document: str) -> None:
    schema = build_schema((REPO / "schema.graphql").read_text())
    errors = validate(schema, parse(document))
    assert not errors, (source, [error.message for error in errors])
