"""The pure access policy: roles, grants through users, groups and everyone, four eyes."""

from __future__ import annotations

import pytest

from modelgraph.domain.access import (
    EVERYONE,
    Action,
    Forbidden,
    Grant,
    Permission,
    Scope,
    SubjectType,
    Unauthenticated,
    check_four_eyes,
    decide,
    effective_permission,
    roles_for_groups,
)
from modelgraph.domain.principal import ANONYMOUS_ID, AuthMethod, Principal

OIDC = AuthMethod.OIDC


def who(name: str, *roles: str, groups: tuple[str, ...] = ()) -> Principal:
    return Principal(name, frozenset(groups), frozenset(roles), OIDC)


SCOPE = Scope(
    "m1",
    "RegisteredModel",
    (
        Grant("m1", SubjectType.USER, "alice", Permission.MANAGE),
        Grant("m1", SubjectType.GROUP, "risk", Permission.EDIT),
        Grant("m1", SubjectType.GROUP, EVERYONE, Permission.READ),
    ),
)


def test_permission_comes_from_user_group_or_everyone() -> None:
    assert effective_permission(who("alice"), SCOPE.grants) is Permission.MANAGE
    assert effective_permission(who("x", groups=("risk",)), SCOPE.grants) is Permission.EDIT
    assert effective_permission(who("y"), SCOPE.grants) is Permission.READ
    assert effective_permission(who("y"), ()) is None


def test_role_and_grant_both_needed() -> None:
    decide(who("alice", "contributor"), Action.EDIT, SCOPE)
    decide(who("x", "contributor", groups=("risk",)), Action.EDIT, SCOPE)
    with pytest.raises(Forbidden) as no_grant:
        decide(who("mallory", "contributor"), Action.EDIT, SCOPE)
    assert no_grant.value.missing == "permission:EDIT"
    with pytest.raises(Forbidden) as no_role:
        decide(who("alice", "viewer"), Action.EDIT, SCOPE)
    assert no_role.value.missing == "role:contributor"
    with pytest.raises(Forbidden):
        decide(who("x", "contributor", groups=("risk",)), Action.MANAGE, SCOPE)
    decide(who("root", "admin"), Action.MANAGE, SCOPE)
    decide(who("v", "viewer"), Action.READ, SCOPE)


def test_verified_anonymous_is_unauthenticated_local_mode_is_trusted() -> None:
    with pytest.raises(Unauthenticated):
        decide(Principal(ANONYMOUS_ID, method=OIDC), Action.READ)
    decide(Principal("someone"), Action.ADMIN)  # local mode: loopback callers hold every role


def test_groups_map_to_roles() -> None:
    mapping = {"ml-admins": ["admin"], "ml": ["contributor"]}
    assert roles_for_groups(["ml"], mapping, ["viewer"]) == {"contributor", "viewer"}
    assert roles_for_groups([], mapping, []) == frozenset()


def test_four_eyes() -> None:
    check_four_eyes(who("bob", "approver"), "alice")
    for approver, author in [
        (who("alice", "approver"), "alice"),
        (who("mallory", "contributor"), "alice"),
        (who("bob", "approver"), None),
        (who("bob", "approver"), ANONYMOUS_ID),
        (Principal(ANONYMOUS_ID, method=OIDC), "alice"),
    ]:
        with pytest.raises(Forbidden):
            check_four_eyes(approver, author)
