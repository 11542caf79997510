"""Versions, defaults, paths and the generated neo4j.conf of the local Neo4j server."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from modelgraph.neo4j_local.errors import LocalNeo4jError

# Newest 5.26 patch whose server jars resolve from Maven Central (checked 5.26.0/.1/.12/.30).
NEO4J_VERSION = "5.26.30"
DEFAULT_PORT = 7687
HOST = "127.0.0.1"
NEO4J_USER = "neo4j"
MIN_PASSWORD_LENGTH = 8
MIN_JAVA_MAJOR = 17
DEFAULT_START_TIMEOUT = 120.0
DEFAULT_STOP_TIMEOUT = 60.0
HEAP_INITIAL = "512m"
HEAP_MAX = "1g"
PAGECACHE = "256m"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

ENV_HOME = "MODELGRAPH_HOME"
ENV_CACHE = "MODELGRAPH_NEO4J_CACHE"
ENV_PORT = "MODELGRAPH_NEO4J_LOCAL_PORT"
ENV_PAGECACHE = "MODELGRAPH_NEO4J_LOCAL_PAGECACHE"
ENV_HEAP = "MODELGRAPH_NEO4J_LOCAL_HEAP"
ENV_VERSION = "MODELGRAPH_NEO4J_LOCAL_VERSION"
ENV_PASSWORD = "MODELGRAPH_NEO4J_PASSWORD"

# JVM flags from the Neo4j distribution's default neo4j.conf that matter when run without it.
JVM_FLAGS = (
    f"-Xms{HEAP_INITIAL}",
    f"-Xmx{HEAP_MAX}",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


def default_home() -> Path:
    """The ModelGraph home: `MODELGRAPH_HOME`, else the user data dir."""
    value = os.environ.get(ENV_HOME)
    return Path(value) if value else Path(platformdirs.user_data_dir("modelgraph"))


def default_cache_dir() -> Path:
    """The jar cache shared by all homes: `MODELGRAPH_NEO4J_CACHE`, else the user cache dir."""
    value = os.environ.get(ENV_CACHE)
    return Path(value) if value else Path(platformdirs.user_cache_dir("modelgraph"))


def default_version() -> str:
    """The Neo4j version to run: `MODELGRAPH_NEO4J_LOCAL_VERSION`, else `NEO4J_VERSION`."""
    return os.environ.get(ENV_VERSION) or NEO4J_VERSION


def default_port() -> int:
    """The Bolt port: `MODELGRAPH_NEO4J_LOCAL_PORT`, else 7687."""
    value = os.environ.get(ENV_PORT)
    if not value:
        return DEFAULT_PORT
    try:
        return check_port(int(value))
    except ValueError:
        raise LocalNeo4jError(f"{ENV_PORT}={value!r} is not a port number") from None


def memory_size(env: str, default: str) -> str:
    """A Neo4j memory setting from ``env`` (digits and k, m or g: ``4g``), else ``default``."""
    value = os.environ.get(env, "").strip().lower()
    if not value:
        return default
    if not re.fullmatch(r"[1-9][0-9]{0,6}[kmg]", value):
        raise LocalNeo4jError(f"{env}={value!r} is not a memory size such as 512m or 4g")
    return value


def check_port(port: int) -> int:
    """Return `port` if it is a valid TCP port number."""
    if not 1 <= port <= 65535:
        raise LocalNeo4jError(f"port {port} is out of range 1-65535")
    return port


def check_password(password: str) -> str:
    """Return `password` if Neo4j 5 will accept it as the initial password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise LocalNeo4jError(
            f"{ENV_PASSWORD} must have at least {MIN_PASSWORD_LENGTH} characters (Neo4j 5 rule)"
        )
    return password


@dataclass(frozen=True)
class LocalNeo4j:
    """Where one local server lives: `<home>/neo4j/{conf,data,logs,run}`, jars in the cache."""

    home: Path
    port: int = DEFAULT_PORT
    version: str = NEO4J_VERSION
    cache_dir: Path = field(default_factory=default_cache_dir)

    @classmethod
    def create(
        cls,
        home: Path | None = None,
        port: int | None = None,
        version: str | None = None,
        cache_dir: Path | None = None,
    ) -> LocalNeo4j:
        """Fill unset values from the environment and the defaults."""
        return cls(
            home=(home if home is not None else default_home()).expanduser().absolute(),
            port=check_port(port) if port is not None else default_port(),
            version=version or default_version(),
            cache_dir=(cache_dir if cache_dir is not None else default_cache_dir()).absolute(),
        )

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.port}"

    @property
    def server_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def conf_dir(self) -> Path:
        return self.server_dir / "conf"

    @property
    def conf_file(self) -> Path:
        return self.conf_dir / "neo4j.conf"

    @property
    def data_dir(self) -> Path:
        return self.server_dir / "data"

    @property
    def logs_dir(self) -> Path:
        return self.server_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.server_dir / "run"

    @property
    def pid_file(self) -> Path:
        # Not run/neo4j.pid: the server writes and deletes that one itself.
        return self.run_dir / "modelgraph-neo4j.pid"

    @property
    def state_file(self) -> Path:
        return self.run_dir / "modelgraph-neo4j.json"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def neo4j_log(self) -> Path:
        return self.logs_dir / "neo4j.log"

    @property
    def jar_dir(self) -> Path:
        return self.cache_dir / f"neo4j-{self.version}"

    @property
    def lib_dir(self) -> Path:
        return self.jar_dir / "lib"

    @property
    def has_database(self) -> bool:
        """Whether the server has started once on this data dir (the system database exists)."""
        return (self.data_dir / "databases" / "system").is_dir()


def render_conf(server: LocalNeo4j, *, auth_enabled: bool) -> str:
    """The neo4j.conf for `server`: Bolt only, on 127.0.0.1 only."""
    d = server.server_dir
    settings = {
        "server.default_listen_address": HOST,
        # Advertise 127.0.0.1, not localhost (which may resolve to ::1), for neo4j:// routing.
        "server.default_advertised_address": HOST,
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"{HOST}:{server.port}",
        "server.bolt.advertised_address": f"{HOST}:{server.port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true" if auth_enabled else "false",
        "dbms.usage_report.enabled": "false",
        "server.directories.data": str(server.data_dir),
        "server.directories.logs": str(server.logs_dir),
        "server.directories.run": str(server.run_dir),
        "server.directories.plugins": str(d / "plugins"),
        "server.directories.import": str(d / "import"),
        # The page cache should hold the store (Neo4j's sizing rule): a lineage walk that misses
        # it reads from disk. The defaults suit the demo and tests; a large graph sets more.
        "server.memory.heap.initial_size": memory_size(ENV_HEAP, HEAP_INITIAL),
        "server.memory.heap.max_size": memory_size(ENV_HEAP, HEAP_MAX),
        "server.memory.pagecache.size": memory_size(ENV_PAGECACHE, PAGECACHE),
        # Netty waits 2 x 5 s of quiet period on shutdown by default; a local server need not.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
    }
    lines = [f"# Written by `modelgraph neo4j start` (Neo4j {server.version}) on every start."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"
