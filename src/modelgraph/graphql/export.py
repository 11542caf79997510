"""Prints the GraphQL schema in SDL: ``python -m modelgraph.graphql.export > schema.graphql``."""

from __future__ import annotations

from modelgraph.graphql.schema import schema


def sdl() -> str:
    """The schema as SDL text, newline-terminated."""
    return schema.as_str().rstrip("\n") + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
