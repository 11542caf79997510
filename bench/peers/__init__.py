"""The peers, each in its own virtualenv (their pins clash with ours): install, run, collect JSON.

Standard library only: the peer scripts import this package from inside their virtualenvs.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / "bench" / ".venv-peers"
# Pinned to versions known to install on Python 3.11 here; the harness installs them itself.
PEERS: dict[str, dict[str, Any]] = {
    "mlmd": {"module": "bench.peers.mlmd_peer", "packages": ["ml-metadata==1.17.1"]},
    "mlflow": {
        "module": "bench.peers.mlflow_peer",
        "packages": ["mlflow-skinny==3.17.2", "sqlalchemy>=2,<3", "alembic>=1.13"],
    },
}
PEER_TIMEOUT_S = 3600


class Printer(Protocol):
    def print(self, *objects: Any) -> None: ...


def ensure_venv(name: str, packages: list[str]) -> Path:
    """The peer's interpreter, creating its virtualenv and pip-installing on first use."""
    home = VENVS / name
    python = home / "bin" / "python"
    marker = home / ".installed"
    wanted = "\n".join(packages)
    if marker.exists() and marker.read_text() == wanted:
        return python
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(home)
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(packages)} failed:\n{result.stderr[-3000:]}")
    marker.write_text(wanted)
    return python


def run_peer(
    name: str, dump: Path, handles: dict[str, Any], requests: int, workdir: Path
) -> dict[str, Any]:
    """Install (if needed) and run one peer; its JSON answer, or ``{"error": ...}``."""
    spec = PEERS[name]
    try:
        python = ensure_venv(name, spec["packages"])
    except RuntimeError as exc:
        return {"error": str(exc)}
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / f"{name}-config.json"
    config.write_text(
        json.dumps(
            {
                "dump": str(dump),
                "handles": handles,
                "requests": requests,
                "workdir": str(workdir / name),
            }
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        result = subprocess.run(
            [str(python), "-m", spec["module"], str(config)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=PEER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"{name} did not finish in {PEER_TIMEOUT_S} s"}
    (workdir / f"{name}.log").write_text(result.stderr)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        return {"error": f"{name} exited {result.returncode}: {result.stderr[-2000:]}"}
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer


def run_all(
    dump: Path,
    handles: dict[str, Any],
    requests: int,
    workdir: Path,
    console: Printer,
    names: Sequence[str] = tuple(PEERS),
) -> dict[str, Any]:
    """The answers of the peers ``names`` (every peer by default), keyed by peer name."""
    out: dict[str, Any] = {}
    for name in names:
        console.print(f"peer {name}: installing (first run) and loading the same lineage")
        out[name] = run_peer(name, dump, handles, requests, workdir)
        if "error" in out[name]:
            console.print(f"[red]peer {name}: {out[name]['error'][:300]}")
        else:
            q = out[name].get("questions", {})
            console.print(
                f"peer {name}: " + ", ".join(f"{k} p50 {v['p50_ms']} ms" for k, v in q.items())
            )
    return out


__all__ = ["PEERS", "ensure_venv", "run_all", "run_peer"]
