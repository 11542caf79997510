"""Roles, per-resource permissions and the pure access policy (no I/O).

Global roles say what kind of thing a principal may do; a registered model's or experiment's
grants (READ < EDIT < MANAGE, to users or groups) say on which. ``decide`` combines both and is
the only place the rules live: the store calls it once per writer or reader, below the faces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from modelgraph.domain.errors import ModelGraphError
from modelgraph.domain.principal import ANONYMOUS_ID, AuthMethod, Principal


class Unauthenticated(ModelGraphError):
    """No valid credentials were presented."""

    code = "UNAUTHENTICATED"


class Forbidden(ModelGraphError):
    """The principal is known but lacks a role or permission; ``missing`` names it."""

    code = "FORBIDDEN"

    def __init__(self, message: str, *, missing: str) -> None:
        super().__init__(message)
        self.missing = missing


class Role(StrEnum):
    """Global roles; groups map to them by configuration."""

    VIEWER = "viewer"
    CONTRIBUTOR = "contributor"
    APPROVER = "approver"
    ADMIN = "admin"


class Permission(StrEnum):
    """Per registered model / experiment, ordered READ < EDIT < MANAGE."""

    READ = "READ"
    EDIT = "EDIT"
    MANAGE = "MANAGE"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Permission.READ: 1, Permission.EDIT: 2, Permission.MANAGE: 3}


class Action(StrEnum):
    """What a writer or reader is about to do."""

    READ = "read"
    CREATE = "create"  # a new top-level entity (model, experiment, dataset, serving environment)
    EDIT = "edit"  # change an entity or add under it (versions, artifacts, runs, lineage, deploy)
    APPROVE = "approve"  # approvals and transitions to PRODUCTION
    MANAGE = "manage"  # grants of a model / experiment, archive and unarchive
    ADMIN = "admin"  # API tokens of others, the audit log


_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ}),
    Role.CONTRIBUTOR: frozenset({Action.READ, Action.CREATE, Action.EDIT, Action.MANAGE}),
    Role.APPROVER: frozenset({Action.READ, Action.APPROVE}),
    Role.ADMIN: frozenset(Action),
}
# The role named in FORBIDDEN when no held role allows the action.
_ROLE_FOR: dict[Action, Role] = {
    Action.READ: Role.VIEWER,
    Action.CREATE: Role.CONTRIBUTOR,
    Action.EDIT: Role.CONTRIBUTOR,
    Action.APPROVE: Role.APPROVER,
    Action.MANAGE: Role.CONTRIBUTOR,
    Action.ADMIN: Role.ADMIN,
}
# The permission on the governing model / experiment each action needs.
_PERMISSION_FOR: dict[Action, Permission] = {
    Action.READ: Permission.READ,
    Action.EDIT: Permission.EDIT,
    Action.APPROVE: Permission.READ,
    Action.MANAGE: Permission.MANAGE,
}

EVERYONE = "*"  # the group every authenticated principal belongs to (default grants)


class SubjectType(StrEnum):
    """Who a grant is for."""

    USER = "USER"
    GROUP = "GROUP"


@dataclass(frozen=True)
class Grant:
    """One permission on one registered model or experiment."""

    resource_id: str
    subject_type: SubjectType
    subject: str
    permission: Permission


@dataclass(frozen=True)
class Scope:
    """The registered model or experiment that governs an entity, with its grants."""

    id: str
    kind: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)


LOCAL_ROLES = frozenset({Role.ADMIN.value})


def local_principal(user: str | None) -> Principal:
    """Local mode (loopback, no authentication): whoever is named holds every role."""
    return Principal(user or ANONYMOUS_ID, roles=LOCAL_ROLES, method=AuthMethod.NONE)


def roles_of(principal: Principal) -> frozenset[Role]:
    """The principal's global roles (unknown role names are ignored)."""
    return frozenset(Role(r) for r in principal.roles if r in Role._value2member_map_)


def roles_for_groups(
    groups: Iterable[str], group_roles: Mapping[str, Iterable[str]], default: Iterable[str]
) -> frozenset[str]:
    """Global roles from the configured group → roles map plus the default roles."""
    out = {Role(r).value for r in default}
    for group in groups:
        out.update(Role(r).value for r in group_roles.get(group, ()))
    return frozenset(out)


def effective_permission(principal: Principal, grants: Iterable[Grant]) -> Permission | None:
    """The highest permission the principal holds through its user id, groups or everyone."""
    best: Permission | None = None
    for grant in grants:
        mine = (
            grant.subject == principal.id
            if grant.subject_type is SubjectType.USER
            else grant.subject == EVERYONE or grant.subject in principal.groups
        )
        if mine and (best is None or grant.permission.rank > best.rank):
            best = grant.permission
    return best


def decide(principal: Principal, action: Action, scope: Scope | None = None) -> None:
    """Allow, or raise Forbidden naming the missing role or permission.

    Admins may do anything. Otherwise a held role must allow the action and, when the target is
    governed by a model or experiment, the principal's grant there must be high enough.
    """
    if principal.id == ANONYMOUS_ID and principal.method is not AuthMethod.NONE:
        raise Unauthenticated("authentication required")
    if unrestricted(principal):
        return
    roles = roles_of(principal)
    if not any(action in _ROLE_ACTIONS[r] for r in roles):
        role = _ROLE_FOR[action]
        raise Forbidden(f"{action.value} needs the {role.value} role", missing=f"role:{role.value}")
    needed = _PERMISSION_FOR.get(action)
    if scope is None or needed is None:
        return
    held = effective_permission(principal, scope.grants)
    if held is None or held.rank < needed.rank:
        raise Forbidden(
            f"{action.value} needs {needed.value} on {scope.kind} {scope.id!r}",
            missing=f"permission:{needed.value}",
        )


def unrestricted(principal: Principal) -> bool:
    """Admins, local mode (it trusts whoever reaches the loopback port) and the service itself
    may do anything: :func:`decide` allows them without looking at a grant."""
    return principal.method in (AuthMethod.SYSTEM, AuthMethod.NONE) or Role.ADMIN in roles_of(
        principal
    )


def check_four_eyes(approver: Principal, author: str | None) -> None:
    """An approval counts only from a verified approver who is not the version's author."""
    if not author or author == ANONYMOUS_ID:
        raise Forbidden(
            "this version has no verified author, so no approval can satisfy four eyes",
            missing="author",
        )
    if approver.id == ANONYMOUS_ID:
        raise Forbidden("an anonymous approval does not count", missing="role:approver")
    roles = roles_of(approver)
    trusted = approver.method in (AuthMethod.SYSTEM, AuthMethod.NONE)
    if not roles & {Role.APPROVER, Role.ADMIN} and not trusted:
        raise Forbidden("approving needs the approver role", missing="role:approver")
    if approver.id == author:
        raise Forbidden("the author cannot approve their own version", missing="second-person")
