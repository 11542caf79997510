"""Loads every ``.cypher`` file once and hands out query text by name.

Names are paths under ``cypher/`` without the suffix (``queries/registry/get_node``).
Modules ask for their queries at import time via :func:`query`, so an unknown name fails
when the service starts, never in the middle of a request.

Query files may hold two static markers, expanded here at load time:

    {{> listing/_filter}}    the text of ``cypher/queries/listing/_filter.cypher`` (a fragment:
                             its name starts with ``_``; its leading ``//`` lines are dropped)
    {{bound}}                a search bound, one of :data:`SEARCH_BOUNDS`, chosen in code

Neither takes user input: an include names a file of the tree, a bound is checked against
the fixed set, so the expanded text is as static as a hand-written file.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Final, LiteralString

SEARCH_BOUNDS: Final = (5, 10, 20, 50)  # variable-length bounds; Cypher cannot take them as $params
_MARKER = re.compile(r"\{\{\s*(?:(>)\s*([a-z0-9_/]+)|([a-z]+))\s*\}\}")
_MAX_INCLUDE_DEPTH = 4
_VARIANT = re.compile(r"(.+)_d(\d+)")


def cypher_root() -> Path:
    """The ``cypher/`` tree: shipped inside the wheel, or the repository's own."""
    override = os.environ.get("MODELGRAPH_CYPHER_DIR")
    if override:
        return Path(override)
    packaged = Path(__file__).resolve().parent.parent / "_cypher"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "cypher"


@cache
def all_files() -> dict[str, str]:
    """Every ``.cypher`` file under the root, keyed by its name, as written (not expanded)."""
    root = cypher_root()
    if not root.is_dir():
        raise RuntimeError(f"cypher directory not found at {root}")
    return {
        path.relative_to(root).with_suffix("").as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.cypher"))
    }


def is_fragment(name: str) -> bool:
    """A file only included by others (``_name.cypher``), never run on its own."""
    return name.rsplit("/", 1)[-1].startswith("_")


def includes(name: str) -> list[str]:
    """Query names (under ``queries/``) that file ``name`` includes directly."""
    return [m.group(2) for m in _MARKER.finditer(all_files()[name]) if m.group(1)]


def is_bounded(name: str) -> bool:
    """Whether query ``name`` (under ``queries/``) holds a ``{{bound}}``, directly or included."""
    return "{{bound}}" in _expand(f"queries/{name}", ())


def _fragment_text(text: str) -> str:
    lines = text.strip().splitlines()
    while lines and lines[0].lstrip().startswith("//"):
        lines.pop(0)
    return "\n".join(lines)


def _expand(key: str, stack: tuple[str, ...]) -> str:
    """File ``key`` with its includes expanded; ``{{bound}}`` markers are left in place."""
    if key in stack:
        raise ValueError(f"Cypher include cycle: {' -> '.join((*stack, key))}")
    if len(stack) > _MAX_INCLUDE_DEPTH:
        raise ValueError(f"Cypher includes nest deeper than {_MAX_INCLUDE_DEPTH}: {key}")
    try:
        text = all_files()[key]
    except KeyError:
        where = f" (included by cypher/{stack[-1]}.cypher)" if stack else ""
        raise KeyError(f"no Cypher file cypher/{key}.cypher{where}") from None

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            included = f"queries/{match.group(2)}"
            if not is_fragment(included):
                raise ValueError(f"cypher/{key}.cypher includes {included}, not a _fragment")
            return _fragment_text(_expand(included, (*stack, key)))
        if match.group(3) != "bound":
            raise ValueError(f"unknown marker {match.group(0)} in cypher/{key}.cypher")
        return "{{bound}}"

    expanded = _MARKER.sub(replace, text)
    if "{{" in expanded.replace("{{bound}}", ""):
        raise ValueError(f"malformed marker in cypher/{key}.cypher (expected {{{{> area/_name}}}})")
    return expanded


def _statement(name: str, bound: int | None) -> LiteralString:
    key = f"queries/{name}"
    if key not in all_files() or is_fragment(key):
        raise KeyError(f"no Cypher query named {name!r} (expected cypher/{key}.cypher)")
    text = _expand(key, ())
    if "{{bound}}" in text:
        if bound not in SEARCH_BOUNDS:
            raise ValueError(f"query {name!r} needs a bound, one of {SEARCH_BOUNDS}; got {bound}")
        text = text.replace("{{bound}}", str(bound))
    elif bound is not None:
        raise ValueError(f"query {name!r} has no {{{{bound}}}} marker")
    # Files are part of the source tree, never user input: the one place text becomes a query.
    statement: LiteralString = text.strip().rstrip(";")
    return statement


def query(name: str, *, bound: int | None = None) -> LiteralString:
    """Query text of ``cypher/queries/<name>.cypher``, includes expanded; KeyError if unknown.

    A query with a ``{{bound}}`` marker needs ``bound``, one of :data:`SEARCH_BOUNDS`; its
    :func:`bounded_name` (``lineage/upstream_d5``, as round trips are counted) loads it too.
    """
    variant = _VARIANT.fullmatch(name)
    if bound is None and variant and f"queries/{name}" not in all_files():
        return _statement(variant.group(1), int(variant.group(2)))
    return _statement(name, bound)


def bounded_name(name: str, bound: int) -> str:
    """The name one bound variant is counted and profiled under (``lineage/upstream_d5``)."""
    return f"{name}_d{bound}"


def all_queries() -> dict[str, LiteralString]:
    """Every runnable query, expanded: one entry per file, one per bound of a bounded file."""
    out: dict[str, LiteralString] = {}
    for key in all_files():
        if not key.startswith("queries/") or is_fragment(key):
            continue
        name = key.removeprefix("queries/")
        if is_bounded(name):
            out.update({bounded_name(name, b): query(name, bound=b) for b in SEARCH_BOUNDS})
        else:
            out[name] = query(name)
    return out


def schema_files() -> list[tuple[str, str]]:
    """``(file name, text)`` of ``cypher/schema/NNNN_*.cypher`` in apply order."""
    files = [(k.split("/", 1)[1], v) for k, v in all_files().items() if k.startswith("schema/")]
    return sorted(files)


def split_statements(text: str) -> list[LiteralString]:
    """Statements of a schema file: separated by ';', ``//`` comment lines dropped."""
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
    parts = (part.strip() for part in "\n".join(lines).split(";"))
    statements: list[LiteralString] = [part for part in parts if part]
    return statements
