"""The systems under test: a Neo4j (given or started with the project's launcher) and the real
service, run by uvicorn in a subprocess so its memory and CPU are its own."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
ENV_URI = "MODELGRAPH_BENCH_NEO4J_URI"
STATE_DIR = BENCH_DIR / ".state"
START_TIMEOUT_S = 180  # worker processes each import the app: slow on a loaded machine


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Neo4jTarget:
    """Where the bench Neo4j answers and whether this run started it."""

    uri: str
    started_here: bool
    home: Path | None = None


@contextlib.contextmanager
def neo4j_target() -> Iterator[Neo4jTarget]:
    """``MODELGRAPH_BENCH_NEO4J_URI`` if set; otherwise a local Neo4j started (and stopped) here."""
    uri = os.environ.get(ENV_URI)
    if uri:
        yield Neo4jTarget(uri, started_here=False)
        return
    from modelgraph.neo4j_local import launcher

    home = STATE_DIR / "neo4j-home"
    info = launcher.start(home=home, port=free_port())
    try:
        yield Neo4jTarget(info.uri, started_here=not info.already_running, home=home)
    finally:
        if not info.already_running:
            launcher.stop(home=home)


class Service:
    """The real app (``modelgraph.app:create_app``) under uvicorn on a free 127.0.0.1 port."""

    def __init__(
        self, neo4j_uri: str, profile_to: Path | None = None, workers: int | None = None
    ) -> None:
        self.workers = workers  # set: `modelgraph serve` with MODELGRAPH_WORKERS=workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.neo4j_uri = neo4j_uri
        self.profile_to = profile_to
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = STATE_DIR / f"service-{self.port}.log"

    def command(self) -> list[str]:
        if self.workers is not None:
            cli = str(Path(sys.executable).with_name("modelgraph"))
            return [cli, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        serve = [
            "uvicorn",
            "--factory",
            "modelgraph.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        if self.profile_to is not None:
            # pyinstrument samples the whole process and writes its report when uvicorn exits.
            return [
                sys.executable,
                "-m",
                "pyinstrument",
                "-r",
                "text",
                "-p",
                "flat=true",
                "-p",
                "flat_time=self",
                "-o",
                str(self.profile_to),
                "-m",
                *serve,
            ]
        return [sys.executable, "-m", *serve]

    def __enter__(self) -> Service:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "MODELGRAPH_NEO4J_URI": self.neo4j_uri,
            "MODELGRAPH_LOG_LEVEL": "warning",
            # Each workload warms its own queries first; a background warm-up would compete
            # with the first workload's timed requests instead.
            "MODELGRAPH_WARM_UP": "false",
        }
        if self.workers is not None:
            env["MODELGRAPH_WORKERS"] = str(self.workers)
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.command(), env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(
            f"service not ready in {START_TIMEOUT_S} s: {self.log_path.read_text()[-2000:]}"
        )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
