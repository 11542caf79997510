"""The CLI as a client of a running service: GraphQL over HTTP with a bearer token."""

from __future__ import annotations

from typing import Any

import httpx

TIMEOUT_S = 60.0
_NODE = "id kind label distance path state executionType stage rows"
_HYPER = "hyperparameters { key floatValue intValue stringValue }"
TRACE = (
    "query($ref: String!, $asOf: Timestamp) { trace(ref: $ref, asOf: $asOf) { truncated "
    f"root {{ {_NODE} }} nodes {{ {_NODE} {_HYPER} }} }} }}"
)
IMPACT = (
    "query($ref: String!, $asOf: Timestamp, $liveOnly: Boolean!) { impact(ref: $ref, "
    f"asOf: $asOf, liveOnly: $liveOnly) {{ truncated root {{ {_NODE} }} nodes {{ {_NODE} }} }} }}"
)


class RemoteError(Exception):
    """The service refused or failed the request; ``code`` is its error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def graphql(url: str, token: str | None, query: str, variables: dict[str, Any]) -> Any:
    """POST one GraphQL request; the data, or RemoteError with the first error's code."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.post(
            url.rstrip("/") + "/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=TIMEOUT_S,
        )
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise RemoteError("UNAVAILABLE", f"no GraphQL answer from {url}: {exc}") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        first = errors[0]
        code = (first.get("extensions") or {}).get("code", "INTERNAL")
        raise RemoteError(code, first.get("message", "error"))
    return body["data"]
