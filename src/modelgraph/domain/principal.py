"""Who is acting: the principal every writer and reader receives from the face that set it up.

Faces (GraphQL, REST, OpenLineage ingest, imports, the CLI) only *establish* a principal; the
writers stamp it (author / updatedBy, histories) and the permission check reads it. No face
passes a bare user name below itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AuthMethod(StrEnum):
    """How the principal was established."""

    NONE = "none"  # local mode: named by the user header (loopback only)
    OIDC = "oidc"  # a verified identity-provider token
    TOKEN = "token"  # a ModelGraph API token
    SYSTEM = "system"  # the service itself (demo loader, migrations, imports run by an admin)


@dataclass(frozen=True)
class Principal:
    """A verified (or, in local mode, declared) identity with its groups and global roles."""

    id: str
    groups: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    method: AuthMethod = AuthMethod.NONE


ANONYMOUS_ID = "anonymous"
ANONYMOUS = Principal(ANONYMOUS_ID)
SYSTEM = Principal("modelgraph", method=AuthMethod.SYSTEM)
