"""One route per path, so a 405 answer's ``Allow`` lists every method the path serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


def one_route_per_path(routes: list[Route]) -> list[Route]:
    """Merge routes declared per method on the same path into one, at the first one's place."""
    groups: dict[str, list[Route]] = {}
    for route in routes:
        groups.setdefault(route.path, []).append(route)
    merged = []
    for path, group in groups.items():
        if len(group) == 1:
            merged.append(group[0])
            continue
        table: dict[str, Endpoint] = {
            method: route.endpoint for route in group for method in (route.methods or ())
        }
        merged.append(Route(path, _dispatcher(table), methods=sorted(table)))
    return merged


def _dispatcher(table: dict[str, Endpoint]) -> Endpoint:
    async def dispatch(request: Request) -> Response:
        return await table[request.method](request)

    return dispatch
