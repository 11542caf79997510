"""Resolving the Neo4j server jars from Maven Central with `mvn`, once per version."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modelgraph.neo4j_local.errors import LocalNeo4jError

# Not published on Maven Central, and not needed to run the server.
_EXCLUDED = (("org.neo4j", "neo4j-push-to-cloud"), ("org.neo4j", "neo4j-genai-plugin"))
MARKER = ".complete"
MAVEN_TIMEOUT = 1800.0


def render_pom(version: str) -> str:
    """A pom whose runtime dependencies are the jars of the Neo4j Community server."""
    exclusions = "".join(
        f"<exclusion><groupId>{g}</groupId><artifactId>{a}</artifactId></exclusion>"
        for g, a in _EXCLUDED
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>modelgraph</groupId>
  <artifactId>neo4j-local</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j.assembly</groupId>
      <artifactId>neo4j-community-standalone</artifactId>
      <version>{version}</version>
      <type>pom</type>
      <exclusions>{exclusions}</exclusions>
    </dependency>
  </dependencies>
</project>
"""


def is_resolved(jar_dir: Path) -> bool:
    """Whether `jar_dir/lib` holds a complete copy (the marker is written last)."""
    return (jar_dir / MARKER).is_file() and (jar_dir / "lib").is_dir()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    # Two starts at once (e.g. parallel test runs) must not copy into the same lib dir.
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def resolve_jars(version: str, jar_dir: Path) -> Path:
    """Return `jar_dir/lib` with the server's jars, running `mvn` only if not done before."""
    lib = jar_dir / "lib"
    if is_resolved(jar_dir):
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError(
            f"Maven (mvn) not found on PATH: it is needed once to fetch Neo4j {version} jars"
        )
    jar_dir.mkdir(parents=True, exist_ok=True)
    with _locked(jar_dir / ".lock"):
        if is_resolved(jar_dir):
            return lib
        pom = jar_dir / "pom.xml"
        pom.write_text(render_pom(version), encoding="utf-8")
        staging = Path(tempfile.mkdtemp(prefix="lib-", dir=jar_dir))
        try:
            _copy_dependencies(mvn, pom, staging, version)
            if lib.exists():
                shutil.rmtree(lib)
            staging.chmod(0o755)  # mkdtemp makes it 0700; the cache is shared
            staging.rename(lib)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        (jar_dir / MARKER).write_text(f"{version}\n", encoding="utf-8")
    return lib


def _copy_dependencies(mvn: str, pom: Path, out: Path, version: str) -> None:
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={out}",
        "-DincludeScope=runtime",
    ]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=MAVEN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise LocalNeo4jError(
            f"mvn did not fetch Neo4j {version} within {MAVEN_TIMEOUT:.0f} s"
        ) from None
    if proc.returncode != 0:
        errors = [line for line in (proc.stdout + proc.stderr).splitlines() if "ERROR" in line]
        detail = errors[0].strip() if errors else f"exit code {proc.returncode}"
        raise LocalNeo4jError(f"mvn could not fetch Neo4j {version} from Maven Central: {detail}")
    if not (out / f"neo4j-{version}.jar").is_file():
        raise LocalNeo4jError(f"mvn finished but neo4j-{version}.jar is missing in {out}")
