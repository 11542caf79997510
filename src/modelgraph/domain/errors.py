"""Errors the store and the API layers raise; each maps to a stable code."""

from __future__ import annotations


class ModelGraphError(Exception):
    """Base of every expected error; ``code`` is what clients see."""

    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.limit = limit  # the documented limit the input broke, shown as extensions.limit


class NotFound(ModelGraphError):
    """The referenced entity does not exist."""

    code = "NOT_FOUND"


class Conflict(ModelGraphError):
    """A uniqueness rule or a state rule forbids the change."""

    code = "CONFLICT"


class Invalid(ModelGraphError):
    """The input is malformed; ``field`` names the offending input when known."""

    code = "INVALID_ARGUMENT"


class Unavailable(ModelGraphError):
    """The database cannot be reached right now."""

    code = "UNAVAILABLE"


class FailedPrecondition(ModelGraphError):
    """The request is well formed but the graph is not in a state that allows it."""

    code = "FAILED_PRECONDITION"
