"""The GraphQL side of the kind catalogue (domain/catalog.py): enums, scalar types, field injection.

graphql/types.py, inputs.py and filters.py declare each class by name only; the fields come from
the catalogue through :func:`derive`, so a kind's fields are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from inspect import Parameter, Signature
from typing import Any, Optional, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from modelgraph.domain.catalog import Prop, Shape
from modelgraph.domain.graph import State
from modelgraph.domain.registry import (
    ArtifactState,
    DeploymentStatus,
    ExecutionStatus,
    ExecutionType,
    Stage,
    TuningMethod,
)
from modelgraph.graphql.context import Info
from modelgraph.graphql.scalars import Long, Timestamp

T = TypeVar("T")

EntityState = strawberry.enum(State, name="EntityState", description="LIVE or ARCHIVED.")
StageEnum = strawberry.enum(Stage, name="Stage", description="Approval stage of a version.")
ExecutionTypeEnum = strawberry.enum(ExecutionType, name="ExecutionType")
ExecutionStatusEnum = strawberry.enum(ExecutionStatus, name="ExecutionStatus")
TuningMethodEnum = strawberry.enum(TuningMethod, name="TuningMethod")
DeploymentStatusEnum = strawberry.enum(DeploymentStatus, name="DeploymentStatus")
ArtifactStateEnum = strawberry.enum(ArtifactState, name="ArtifactState")

_SCALARS: dict[Shape, Any] = {
    Shape.STRING: str,
    Shape.ID: strawberry.ID,
    Shape.LONG: Long,
    Shape.INT: int,
    Shape.FLOAT: float,
    Shape.BOOL: bool,
    Shape.TIMESTAMP: Timestamp,
    Shape.STRINGS: list[str],
}

# A field to inject: name, annotation (None for a resolver field), class attribute (or _NONE).
Injected = tuple[str, Any, Any]
_NONE = object()


def optional(annotation: Any) -> Any:
    """``annotation | None``, built at run time for a derived field."""
    return Optional[annotation]  # noqa: UP045 (a value, not a hint)


def scalar_type(p: Prop, required: bool) -> Any:
    """The Python annotation of a scalar-shaped field (its strawberry enum for ENUM)."""
    base = p.enum if p.shape is Shape.ENUM else _SCALARS[p.shape]
    return base if required else optional(base)


def described(doc: str | None, default: Any = _NONE) -> Any:
    """The class attribute of a plain field: its default, with a description if it has one."""
    if doc is None:
        return default
    if default is _NONE:
        return strawberry.field(description=doc)
    return strawberry.field(description=doc, default=default)


def derive(fields: Iterable[Injected]) -> Callable[[type[T]], type[T]]:
    """Put ``fields`` on a class ahead of its own resolvers, so the schema lists them first."""

    def apply(cls: type[T]) -> type[T]:
        own = {k: v for k, v in vars(cls).items() if isinstance(v, StrawberryField)}
        for key in own:
            delattr(cls, key)
        annotations = dict(vars(cls).get("__annotations__", {}))
        for name, annotation, value in fields:
            if annotation is not None:
                annotations[name] = annotation
            if value is not _NONE:
                setattr(cls, name, value)
        cls.__annotations__ = annotations
        for key, value in own.items():
            setattr(cls, key, value)
        return cls

    return apply


def signed(fn: Callable[..., Any], args: Iterable[tuple[str, Any, Any]], returns: Any) -> Any:
    """``fn(self, info, **args)`` with the signature strawberry reads: (name, type, default)."""
    params = [Parameter("self", Parameter.POSITIONAL_OR_KEYWORD)]
    params.append(Parameter("info", Parameter.POSITIONAL_OR_KEYWORD, annotation=Info))
    for name, annotation, default in args:
        kw: dict[str, Any] = {} if default is _NONE else {"default": default}
        params.append(Parameter(name, Parameter.KEYWORD_ONLY, annotation=annotation, **kw))
    fn.__signature__ = Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params[1:]} | {"return": returns}
    return fn


REQUIRED = _NONE  # the default of an argument without one
