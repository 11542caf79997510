"""neo4j.conf generation, paths and environment defaults of the local Neo4j launcher."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from modelgraph.neo4j_local.config import (
    DEFAULT_PORT,
    NEO4J_VERSION,
    LocalNeo4j,
    check_password,
    render_conf,
)
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.jars import render_pom


def _conf(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def test_conf_binds_bolt_to_loopback_on_the_port(tmp_path: Path) -> None:
    server = LocalNeo4j(home=tmp_path, port=7799)
    conf = _conf(render_conf(server, auth_enabled=False))
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == "127.0.0.1:7799"
    assert conf["server.bolt.enabled"] == "true"
    assert conf["server.http.enabled"] == "false"
    assert conf["server.https.enabled"] == "false"
    assert "0.0.0.0" not in render_conf(server, auth_enabled=False)


def test_conf_keeps_data_logs_and_run_under_home(tmp_path: Path) -> None:
    server = LocalNeo4j(home=tmp_path)
    conf = _conf(render_conf(server, auth_enabled=False))
    assert conf["server.directories.data"] == str(tmp_path / "neo4j" / "data")
    assert conf["server.directories.logs"] == str(tmp_path / "neo4j" / "logs")
    assert conf["server.directories.run"] == str(tmp_path / "neo4j" / "run")
    assert server.data_dir == tmp_path / "neo4j" / "data"


def test_memory_comes_from_the_environment_or_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = LocalNeo4j(home=tmp_path)
    conf = _conf(render_conf(server, auth_enabled=False))
    assert conf["server.memory.pagecache.size"] == "256m"
    assert conf["server.memory.heap.max_size"] == "1g"
    monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_PAGECACHE", "4G")
    monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_HEAP", "2g")
    conf = _conf(render_conf(server, auth_enabled=False))
    assert conf["server.memory.pagecache.size"] == "4g"
    assert conf["server.memory.heap.initial_size"] == conf["server.memory.heap.max_size"] == "2g"
    for bad in ("4 GB", "0g", "-1m", "4g\nserver.bolt.enabled=false"):
        monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_PAGECACHE", bad)
        with pytest.raises(LocalNeo4jError, match="MODELGRAPH_NEO4J_LOCAL_PAGECACHE"):
            render_conf(server, auth_enabled=False)


@pytest.mark.parametrize(("auth", "expected"), [(True, "true"), (False, "false")])
def test_conf_auth_switch(tmp_path: Path, auth: bool, expected: str) -> None:
    conf = _conf(render_conf(LocalNeo4j(home=tmp_path), auth_enabled=auth))
    assert conf["dbms.security.auth_enabled"] == expected


def test_uri_and_jar_cache_are_per_version(tmp_path: Path) -> None:
    server = LocalNeo4j(home=tmp_path / "h", port=7700, version="5.26.1", cache_dir=tmp_path / "c")
    assert server.uri == "bolt://127.0.0.1:7700"
    assert server.lib_dir == tmp_path / "c" / "neo4j-5.26.1" / "lib"


def test_create_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELGRAPH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MODELGRAPH_NEO4J_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_PORT", "7788")
    monkeypatch.delenv("MODELGRAPH_NEO4J_LOCAL_VERSION", raising=False)
    server = LocalNeo4j.create()
    assert server.home == tmp_path / "home"
    assert server.cache_dir == tmp_path / "cache"
    assert server.port == 7788
    assert server.version == NEO4J_VERSION


def test_create_arguments_win_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_PORT", "7788")
    server = LocalNeo4j.create(home=tmp_path, port=7999)
    assert (server.home, server.port) == (tmp_path, 7999)


def test_create_defaults_to_7687(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELGRAPH_NEO4J_LOCAL_PORT", raising=False)
    assert LocalNeo4j.create(home=tmp_path).port == DEFAULT_PORT == 7687


@pytest.mark.parametrize("value", ["bolt", "0", "70000"])
def test_bad_port_setting_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_PORT", value)
    with pytest.raises(LocalNeo4jError, match="port"):
        LocalNeo4j.create(home=tmp_path)


def test_password_needs_eight_characters() -> None:
    assert check_password("12345678") == "12345678"
    with pytest.raises(LocalNeo4jError, match="at least 8"):
        check_password("1234567")


def test_pom_asks_for_the_community_server_without_unpublished_artifacts() -> None:
    root = ET.fromstring(render_pom("5.26.30"))
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    dependency = root.find("m:dependencies/m:dependency", ns)
    assert dependency is not None
    assert dependency.findtext("m:artifactId", namespaces=ns) == "neo4j-community-standalone"
    assert dependency.findtext("m:version", namespaces=ns) == "5.26.30"
    excluded = {e.text for e in dependency.findall("m:exclusions/m:exclusion/m:artifactId", ns)}
    assert excluded == {"neo4j-push-to-cloud", "neo4j-genai-plugin"}
