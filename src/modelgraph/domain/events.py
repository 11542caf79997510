"""The change-event contract: event types and the entity kinds they are about."""

from __future__ import annotations

from enum import StrEnum

from modelgraph.domain.graph import Label


class EventType(StrEnum):
    """Every event the outbox records; subscribers and webhooks filter on these names."""

    REGISTERED_MODEL_CREATED = "registered_model.created"
    REGISTERED_MODEL_UPDATED = "registered_model.updated"
    REGISTERED_MODEL_ARCHIVED = "registered_model.archived"
    MODEL_VERSION_CREATED = "model_version.created"
    MODEL_VERSION_UPDATED = "model_version.updated"
    MODEL_VERSION_ARCHIVED = "model_version.archived"
    MODEL_VERSION_STAGE_TRANSITIONED = "model_version.stage_transitioned"
    MODEL_VERSION_APPROVED = "model_version.approved"
    ALIAS_SET = "alias.set"
    ALIAS_REMOVED = "alias.removed"
    DEPLOYMENT_DEPLOYED = "deployment.deployed"
    DEPLOYMENT_UNDEPLOYED = "deployment.undeployed"
    EXECUTION_LOGGED = "execution.logged"
    DATASET_VERSION_CREATED = "dataset_version.created"
    DATASET_VERSION_FLAGGED = "dataset_version.flagged"
    LINEAGE_INGESTED = "lineage.ingested"
    IMPACT_FLAGGED = "impact.flagged"
    WEBHOOK_TEST = "webhook.test"
    # Kinds without an event of their own above, so every change has exactly one event.
    ENTITY_CREATED = "entity.created"
    ENTITY_UPDATED = "entity.updated"
    ENTITY_ARCHIVED = "entity.archived"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    PERMISSION_SET = "permission.set"
    DEFAULT_PERMISSION_SET = "permission.default_set"


MAX_PAYLOAD_BYTES = 16_384

# Which event a create, an update or an archive of each kind records (kinds absent: none).
CREATED: dict[Label, EventType] = {
    Label.REGISTERED_MODEL: EventType.REGISTERED_MODEL_CREATED,
    Label.MODEL_VERSION: EventType.MODEL_VERSION_CREATED,
    Label.DATASET_VERSION: EventType.DATASET_VERSION_CREATED,
    Label.EXECUTION: EventType.EXECUTION_LOGGED,
}
UPDATED: dict[Label, EventType] = {
    Label.REGISTERED_MODEL: EventType.REGISTERED_MODEL_UPDATED,
    Label.MODEL_VERSION: EventType.MODEL_VERSION_UPDATED,
}
ARCHIVED: dict[Label, EventType] = {
    Label.REGISTERED_MODEL: EventType.REGISTERED_MODEL_ARCHIVED,
    Label.MODEL_VERSION: EventType.MODEL_VERSION_ARCHIVED,
}


def created_event(kind: Label) -> EventType:
    """The event a create of ``kind`` records."""
    return CREATED.get(kind, EventType.ENTITY_CREATED)


def changed_event(kind: Label, *, archived: bool) -> EventType:
    """The event an update (or an archive) of ``kind`` records."""
    if archived:
        return ARCHIVED.get(kind, EventType.ENTITY_ARCHIVED)
    return UPDATED.get(kind, EventType.ENTITY_UPDATED)
