"""The local server's password: generated on first start, kept owner-only in the home.

`MODELGRAPH_NEO4J_PASSWORD` overrides it; otherwise the CLI starts the launcher with the
password stored in ``$MODELGRAPH_HOME/neo4j-password`` (mode 0600), creating it first if
needed, and the service and CLI read it from there. A home first run without a password is
upgraded: Neo4j's default password is replaced by the generated one on the next start.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from modelgraph.neo4j_local.errors import LocalNeo4jError

PASSWORD_FILE = "neo4j-password"


def password_file(home: Path) -> Path:
    """Where the generated password of ``home`` is kept."""
    return home / PASSWORD_FILE


def stored_password(home: Path) -> str | None:
    """The stored password, or None; refuses a file other users can read."""
    path = password_file(home)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise LocalNeo4jError(f"{path} is readable by other users: run `chmod 600 {path}`")
    return path.read_text(encoding="utf-8").strip() or None


def ensure_password(home: Path) -> str:
    """The stored password of ``home``, generated (and written 0600) on first use."""
    found = stored_password(home)
    if found is not None:
        return found
    home.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    path = password_file(home)
    # O_EXCL: two first starts at once keep the one password that was written first.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return stored_password(home) or password
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def local_password(home: Path, configured: str | None) -> str:
    """The password to start the local server with: the configured one, else the stored one."""
    return configured or ensure_password(home)
