"""Registry enums and the approval workflow rules. No I/O here."""

from __future__ import annotations

from enum import StrEnum

from modelgraph.domain.graph import Label


class Stage(StrEnum):
    """Approval stage of a model version."""

    DEVELOPMENT = "DEVELOPMENT"
    STAGING = "STAGING"
    PRODUCTION = "PRODUCTION"
    ARCHIVED = "ARCHIVED"


class ExecutionType(StrEnum):
    """What a run did."""

    PREPROCESSING = "PREPROCESSING"
    FEATURE_ENGINEERING = "FEATURE_ENGINEERING"
    TRAINING = "TRAINING"
    TUNING = "TUNING"
    EVALUATION = "EVALUATION"
    OTHER = "OTHER"


class ExecutionStatus(StrEnum):
    """Outcome of a run."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    UNKNOWN = "UNKNOWN"


class TuningMethod(StrEnum):
    """How hyperparameters were searched."""

    GRID = "GRID"
    RANDOM = "RANDOM"
    BAYESIAN = "BAYESIAN"
    MANUAL = "MANUAL"
    OTHER = "OTHER"


class DeploymentStatus(StrEnum):
    """Status of a deployment."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    FAILED = "FAILED"


class ArtifactState(StrEnum):
    """Kubeflow's artifact state."""

    UNKNOWN = "UNKNOWN"
    PENDING = "PENDING"
    LIVE = "LIVE"
    MARKED_FOR_DELETION = "MARKED_FOR_DELETION"
    DELETED = "DELETED"
    ABANDONED = "ABANDONED"
    REFERENCE = "REFERENCE"


_ORDER = [Stage.DEVELOPMENT, Stage.STAGING, Stage.PRODUCTION]


def transition_allowed(current: Stage, target: Stage) -> bool:
    """Allowed moves: forward one step, back to DEVELOPMENT, ARCHIVED from any other stage."""
    if current is target:
        return False
    if target is Stage.ARCHIVED or target is Stage.DEVELOPMENT:
        return True
    if current is Stage.ARCHIVED:
        return False
    return _ORDER.index(target) == _ORDER.index(current) + 1


# Which kind a child kind hangs under (None: no parent or optional parent handled elsewhere).
PARENT_KIND: dict[Label, Label] = {
    Label.MODEL_VERSION: Label.REGISTERED_MODEL,
    Label.MODEL_ARTIFACT: Label.MODEL_VERSION,
    Label.DOC_ARTIFACT: Label.MODEL_VERSION,
    Label.DATASET_VERSION: Label.DATASET,
    Label.EXECUTION: Label.EXPERIMENT,
    Label.DEPLOYMENT: Label.SERVING_ENVIRONMENT,
}

# Kinds whose parent is required at creation.
PARENT_REQUIRED = frozenset(
    {
        Label.MODEL_VERSION,
        Label.MODEL_ARTIFACT,
        Label.DOC_ARTIFACT,
        Label.DATASET_VERSION,
        Label.DEPLOYMENT,
    }
)
