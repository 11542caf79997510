"""Mount points of the Kubeflow-compatible REST API."""

from __future__ import annotations

from starlette.routing import Mount, Route


def mounts() -> list[Route | Mount]:
    """Routes under ``/api/model_registry/v1alpha3/`` and ``/api/model_registry/v1/``."""
    return []
