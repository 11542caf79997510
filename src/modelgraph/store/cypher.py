"""Loads every ``.cypher`` file once and hands out query text by name.

Names are paths under ``cypher/`` without the suffix (``queries/registry/get_node``).
Modules ask for their queries at import time via :func:`query`, so an unknown name fails
when the service starts, never in the middle of a request.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import LiteralString


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
    """Every ``.cypher`` file under the root, keyed by its name."""
    root = cypher_root()
    if not root.is_dir():
        raise RuntimeError(f"cypher directory not found at {root}")
    return {
        path.relative_to(root).with_suffix("").as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.cypher"))
    }


def query(name: str) -> LiteralString:
    """Query text of ``cypher/queries/<name>.cypher``; raises KeyError for an unknown name."""
    key = f"queries/{name}"
    try:
        text = all_files()[key]
    except KeyError:
        raise KeyError(f"no Cypher query named {name!r} (expected cypher/{key}.cypher)") from None
    # Files are part of the source tree, never user input: the one place text becomes a query.
    statement: LiteralString = text.strip().rstrip(";")
    return statement


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
