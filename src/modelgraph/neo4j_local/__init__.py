"""A Docker-free local Neo4j 5.26 Community server, run from its Maven Central jars."""

from modelgraph.neo4j_local.config import NEO4J_VERSION, LocalNeo4j, render_conf
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.java import check_java, parse_java_major
from modelgraph.neo4j_local.launcher import (
    ServerStatus,
    bolt_answers,
    ensure_port_free,
    kill_hard,
    start,
    status,
    stop,
)

__all__ = [
    "NEO4J_VERSION",
    "LocalNeo4j",
    "LocalNeo4jError",
    "ServerStatus",
    "bolt_answers",
    "check_java",
    "ensure_port_free",
    "kill_hard",
    "parse_java_major",
    "render_conf",
    "start",
    "status",
    "stop",
]
