"""Admin fields for identity and access: API tokens, per-model permissions and `auditLog`.

Resolvers only shape values; the store checks the caller's role and permission.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import strawberry

from modelgraph.domain.access import Permission, Role, SubjectType
from modelgraph.domain.errors import Invalid
from modelgraph.domain.events import EventType
from modelgraph.domain.ids import now_ms
from modelgraph.graphql.context import Info
from modelgraph.graphql.scalars import Timestamp
from modelgraph.store import access

AccessRole = strawberry.enum(Role, name="AccessRole", description="A global role.")
AccessPermission = strawberry.enum(
    Permission, name="AccessPermission", description="READ < EDIT < MANAGE on a model/experiment."
)
GrantSubjectType = strawberry.enum(SubjectType, name="GrantSubjectType")


MAX_TOKEN_DAYS = 3650


@strawberry.type(description="An API token (its secret is shown only once, at creation).")
class ApiToken:
    id: strawberry.ID
    name: str
    principal: str
    roles: list[str]
    created_at: Timestamp
    created_by: str
    expires_at: Timestamp | None
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None

    @staticmethod
    def of(raw: dict[str, Any]) -> ApiToken:
        return ApiToken(
            id=strawberry.ID(raw["id"]),
            name=raw["name"],
            principal=raw["principal"],
            roles=list(raw["roles"]),
            created_at=raw["createdAt"],
            created_by=raw["createdBy"],
            expires_at=raw.get("expiresAt"),
            last_used_at=raw.get("lastUsedAt"),
            revoked_at=raw.get("revokedAt"),
        )


@strawberry.type
class CreatedApiToken:
    secret: str = strawberry.field(description="Send as `Authorization: Bearer <secret>`.")
    token: ApiToken


@strawberry.type(description="One permission on a registered model or experiment.")
class AccessGrant:
    resource_id: strawberry.ID
    subject_type: GrantSubjectType  # type: ignore[valid-type]
    subject: str
    permission: AccessPermission  # type: ignore[valid-type]


@strawberry.type(description="Who did what, recorded in the transaction of the change.")
class AuditEvent:
    id: strawberry.ID
    at: Timestamp
    seq: int
    principal: str
    type: str
    entity_id: str
    entity_kind: str
    payload: str


@strawberry.input
class AuditFilter:
    principal: str | None = None
    entity_id: strawberry.ID | None = None
    type: str | None = strawberry.field(
        default=None, description="An event type, e.g. model_version.approved."
    )
    since: Timestamp | None = None
    until: Timestamp | None = None


def _grant(raw: dict[str, Any]) -> AccessGrant:
    return AccessGrant(
        resource_id=strawberry.ID(raw["resourceId"]),
        subject_type=SubjectType(raw["subjectType"]),
        subject=raw["subject"],
        permission=Permission(raw["permission"]),
    )


@strawberry.type
class AccessQuery:
    @strawberry.field(description="API tokens (admin only).")
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        rows = await access.list_tokens(info.context.db, actor=info.context.actor)
        return [ApiToken.of(r) for r in rows]

    @strawberry.field(description="Grants on a registered model or experiment.")
    async def permissions(self, info: Info, resource_id: strawberry.ID) -> list[AccessGrant]:
        rows = await access.grants(info.context.db, str(resource_id), actor=info.context.actor)
        return [_grant(r) for r in rows]

    @strawberry.field(description="Who did what, newest first (admin only).")
    async def audit_log(
        self, info: Info, filter: AuditFilter | None = None, first: int = 100
    ) -> list[AuditEvent]:
        f = filter or AuditFilter()
        rows = await access.audit_log(
            info.context.db,
            actor=info.context.actor,
            principal=f.principal,
            entity_id=str(f.entity_id) if f.entity_id else None,
            event_type=_event_type(f.type),
            since=f.since,
            until=f.until,
            limit=first,
        )
        return [
            AuditEvent(
                id=strawberry.ID(r["id"]),
                at=r["at"],
                principal=r["principal"],
                seq=r["seq"],
                type=r["type"],
                entity_id=r["entityId"],
                entity_kind=r["entityKind"],
                payload=r["payload"],
            )
            for r in rows
        ]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Mint an API token (admin only); the secret is shown once.")
    async def create_api_token(
        self,
        info: Info,
        name: str,
        principal: str,
        roles: list[AccessRole],  # type: ignore[valid-type]
        expires_in_days: int | None = None,
    ) -> CreatedApiToken:
        expires_at = None
        if expires_in_days is not None:
            if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
                raise Invalid(f"expiresInDays must be 1-{MAX_TOKEN_DAYS}", field="expiresInDays")
            expires_at = now_ms() + int(timedelta(days=expires_in_days).total_seconds() * 1000)
        issued = await access.create_token(
            info.context.db,
            name,
            principal,
            [Role(r).value for r in roles],
            expires_at,
            actor=info.context.actor,
        )
        return CreatedApiToken(secret=issued.secret, token=ApiToken.of(issued.token))

    @strawberry.mutation(description="Revoke an API token by id or name (admin only).")
    async def revoke_api_token(self, info: Info, ref: str) -> ApiToken:
        row = await access.revoke_token(info.context.db, ref, actor=info.context.actor)
        return ApiToken.of(row)

    @strawberry.mutation(
        description="Grant, change or (permission: null) remove a permission; needs MANAGE."
    )
    async def set_permission(
        self,
        info: Info,
        resource_id: strawberry.ID,
        subject_type: GrantSubjectType,  # type: ignore[valid-type]
        subject: str,
        permission: AccessPermission | None,  # type: ignore[valid-type]
    ) -> AccessGrant | None:
        row = await access.set_grant(
            info.context.db,
            str(resource_id),
            SubjectType(subject_type),
            subject,
            Permission(permission) if permission else None,
            actor=info.context.actor,
        )
        return _grant(row) if row else None

    @strawberry.mutation(
        description="What everyone gets on new models and experiments (null: nothing; admin)."
    )
    async def set_default_permission(
        self,
        info: Info,
        permission: AccessPermission | None,  # type: ignore[valid-type]
    ) -> str:
        return await access.set_default_permission(
            info.context.db,
            Permission(permission) if permission else None,
            actor=info.context.actor,
        )


def _event_type(name: str | None) -> EventType | None:
    if name is None:
        return None
    try:
        return EventType(name)
    except ValueError:
        known = ", ".join(t.value for t in EventType)
        raise Invalid(f"unknown event type {name!r}; one of {known}", field="type") from None
