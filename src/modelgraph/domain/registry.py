"""Registry enums and the approval workflow rules. No I/O here."""

from __future__ import annotations

from enum import StrEnum


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
