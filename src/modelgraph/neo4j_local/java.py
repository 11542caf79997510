"""Finding a Java runtime that can run Neo4j 5.26."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from modelgraph.neo4j_local.config import MIN_JAVA_MAJOR
from modelgraph.neo4j_local.errors import LocalNeo4jError

_VERSION_RE = re.compile(r'version\s+"(\d+)(?:\.(\d+))?[^"]*"')


def parse_java_major(version_output: str) -> int | None:
    """The major version from `java -version` output ("1.8.0_292" -> 8, "17.0.15" -> 17)."""
    match = _VERSION_RE.search(version_output)
    if match is None:
        return None
    first = int(match.group(1))
    if first == 1 and match.group(2) is not None:
        return int(match.group(2))
    return first


def find_java() -> str:
    """The java executable: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if not os.access(candidate, os.X_OK):
            raise LocalNeo4jError(f"JAVA_HOME={java_home} has no executable bin/java")
        return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise LocalNeo4jError(
            f"Java not found: install Java {MIN_JAVA_MAJOR} or 21 (or set JAVA_HOME) to run Neo4j"
        )
    return found


def java_major(java: str) -> int:
    """Run `java -version` and return its major version."""
    try:
        proc = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalNeo4jError(f"could not run {java} -version: {exc}") from None
    major = parse_java_major(proc.stderr + proc.stdout)
    if major is None:
        raise LocalNeo4jError(f"could not read the Java version from `{java} -version`")
    return major


def check_java() -> str:
    """Return a java executable of at least version 17, or raise LocalNeo4jError."""
    java = find_java()
    major = java_major(java)
    if major < MIN_JAVA_MAJOR:
        raise LocalNeo4jError(
            f"Java {major} at {java} is too old: Neo4j 5.26 needs Java {MIN_JAVA_MAJOR} or 21 "
            "(set JAVA_HOME)"
        )
    return java
