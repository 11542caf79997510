"""Finding and checking the Java runtime for the local Neo4j."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.java import check_java, parse_java_major

OPENJDK_17 = """openjdk version "17.0.15" 2025-04-15
OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)
OpenJDK 64-Bit Server VM (build 17.0.15+6-Debian-1deb12u1, mixed mode, sharing)"""


@pytest.mark.parametrize(
    ("output", "major"),
    [
        (OPENJDK_17, 17),
        ('openjdk version "21" 2023-09-19\nOpenJDK Runtime Environment', 21),
        ('openjdk version "21.0.4" 2024-07-16 LTS', 21),
        ('java version "1.8.0_292"\nJava(TM) SE Runtime Environment', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
        ('openjdk version "17-ea" 2021-09-14', 17),
        ("Picked up JAVA_TOOL_OPTIONS: -Xss4m\n" + OPENJDK_17, 17),
        ("no version here", None),
    ],
)
def test_parse_java_major(output: str, major: int | None) -> None:
    assert parse_java_major(output) == major


def _fake_java_home(tmp_path: Path, version: str) -> Path:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2019-01-15' >&2\n")
    java.chmod(0o755)
    return home


def test_java_home_is_honoured_and_old_java_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(_fake_java_home(tmp_path, "11.0.2")))
    with pytest.raises(LocalNeo4jError, match=r"Java 11 .* too old"):
        check_java()


def test_java_home_with_new_enough_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _fake_java_home(tmp_path, "21.0.1")
    monkeypatch.setenv("JAVA_HOME", str(home))
    assert check_java() == str(home / "bin" / "java")


def test_broken_java_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(LocalNeo4jError, match="has no executable bin/java"):
        check_java()


def test_no_java_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalNeo4jError, match="Java not found"):
        check_java()


@pytest.mark.skipif(shutil.which("java") is None, reason="no java on PATH")
def test_the_java_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert Path(check_java()).name == "java"
