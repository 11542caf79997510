"""A real Keycloak for the tests: resolved once from Maven Central, started per test session."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

VERSION = "26.4.7"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:tar.gz"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-test-only"
START_TIMEOUT_S = 600.0  # the shared 2-core machine can be very slow
HTTP_TIMEOUT_S = 120.0


def cache_dir() -> Path:
    """Where the distribution is kept between runs (like the Neo4j jars)."""
    base = os.environ.get("MODELGRAPH_KEYCLOAK_CACHE") or os.environ.get("MODELGRAPH_NEO4J_CACHE")
    root = Path(base) if base else Path.home() / ".cache" / "modelgraph"
    return root / f"keycloak-{VERSION}"


def resolve() -> Path:
    """The unpacked distribution, fetched with `mvn dependency:copy` the first time."""
    target = cache_dir()
    home = target / f"keycloak-{VERSION}"
    if (home / "bin" / "kc.sh").is_file():
        return home
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("mvn is needed once to fetch Keycloak from Maven Central")
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "dependency:copy",
            f"-Dartifact={ARTIFACT}",
            f"-DoutputDirectory={target}",
        ],
        check=True,
        timeout=1800,
    )
    staging = target / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(target / f"keycloak-quarkus-dist-{VERSION}.tar.gz") as archive:
        archive.extractall(staging, filter="tar")
    (staging / f"keycloak-{VERSION}").rename(home)
    shutil.rmtree(staging, ignore_errors=True)
    return home


@dataclass
class Keycloak:
    """A running Keycloak on 127.0.0.1 with an admin client."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def issuer(self, realm: str) -> str:
        return f"{self.url}/realms/{realm}"

    def admin_token(self) -> str:
        response = httpx.post(
            f"{self.url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": ADMIN_USER,
                "password": ADMIN_PASSWORD,
            },
            timeout=HTTP_TIMEOUT_S,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = httpx.request(
            method,
            f"{self.url}/admin{path}",
            json=body,
            headers={"authorization": f"Bearer {self.admin_token()}"},
            timeout=HTTP_TIMEOUT_S,
        )
        response.raise_for_status()
        return response

    def password_token(
        self, realm: str, client_id: str, secret: str, user: str, password: str
    ) -> str:
        """An access token from the realm's token endpoint (resource-owner password grant)."""
        response = httpx.post(
            f"{self.issuer(realm)}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": client_id,
                "client_secret": secret,
                "username": user,
                "password": password,
                "scope": "openid",
            },
            timeout=HTTP_TIMEOUT_S,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def launch(port: int, log: Path) -> Keycloak:
    """Start `kc.sh start-dev` on 127.0.0.1:port with an in-memory database (not yet ready)."""
    home = resolve()
    env = {
        **os.environ,
        "KC_BOOTSTRAP_ADMIN_USERNAME": ADMIN_USER,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(home / "bin" / "kc.sh"),
                "start-dev",
                f"--http-port={port}",
                "--http-host=127.0.0.1",
                "--hostname-strict=false",
                "--db=dev-mem",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    return Keycloak(f"http://127.0.0.1:{port}", process, log)


def wait_ready(server: Keycloak) -> Keycloak:
    """Block until the server answers (or raise with its log tail)."""
    process, log = server.process, server.log
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Keycloak exited early: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{server.url}/realms/master", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"Keycloak did not answer within {START_TIMEOUT_S:.0f} s")
