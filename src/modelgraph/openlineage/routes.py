"""``POST /api/v1/lineage`` (one event) and ``POST /api/v1/lineage/batch`` (a JSON array).

The face only decodes (gzip, JSON), validates (spec 2-0-2) and maps; store/openlineage.py
writes (one transaction per event; a batch a chunk of events per transaction) and checks the
token's role and grants there. A batch answers per
event (partial success): 200 when every event was recorded, 207 when some were not, and the
common status when all failed the same way.
"""

from __future__ import annotations

import zlib
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from modelgraph.auth.edge import principal_of
from modelgraph.domain import json_limits
from modelgraph.domain.errors import Invalid, ModelGraphError
from modelgraph.observability.metrics import OPENLINEAGE_EVENTS
from modelgraph.openlineage.events import parse_run_event
from modelgraph.openlineage.mapping import MappingRules, RunPlan, plan_event, rules_from
from modelgraph.rest.routes import error_response
from modelgraph.settings import Settings
from modelgraph.store import openlineage as store
from modelgraph.store.db import Database
from modelgraph.store.openlineage import Ingested


class TooLarge(Exception):
    """The decompressed body passed the body limit."""


def inflate(body: bytes, limit: int) -> bytes:
    """A gzip body decompressed, refusing more than ``limit`` bytes (a small bomb stays small)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise Invalid(f"body is not valid gzip: {exc}", field="body") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLarge
    if not inflater.eof:
        raise Invalid("gzip body is truncated", field="body")
    return out


async def _body(request: Request, limit: int) -> bytes:
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        return inflate(raw, limit)
    if encoding != "identity":
        raise Invalid(f"unsupported Content-Encoding {encoding!r}: send gzip or none", field="body")
    return raw


@cache
def _rules(job_types: tuple[tuple[str, str], ...], model_namespace: str) -> MappingRules:
    return rules_from(dict(job_types), model_namespace)


def _settings_rules(settings: Settings) -> MappingRules:
    return _rules(
        tuple(sorted(settings.openlineage_job_types.items())), settings.openlineage_model_namespace
    )


def _error(exc: ModelGraphError) -> JSONResponse:
    if isinstance(exc, Invalid):
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if exc.field:
            body["field"] = exc.field
        return JSONResponse(body, status_code=400)
    return error_response(exc)


def _too_large(limit: int) -> JSONResponse:
    message = f"request body larger than {limit} bytes once decompressed"
    return JSONResponse({"code": "PAYLOAD_TOO_LARGE", "message": message}, status_code=413)


def _plan(request: Request, payload: Any) -> RunPlan | tuple[int, dict[str, Any]]:
    """Validate and map one event: its plan, or the (status, answer) refusing it."""
    settings: Settings = request.state.settings
    try:
        return plan_event(parse_run_event(_object(payload)), _settings_rules(settings))
    except Invalid as exc:
        OPENLINEAGE_EVENTS.labels("invalid").inc()
        response = _error(exc)
        return response.status_code, json_limits.loads(bytes(response.body))


def _answer(plan: RunPlan, done: Ingested | ModelGraphError) -> tuple[int, dict[str, Any]]:
    """(status, answer) for one recorded, replayed or refused event."""
    if isinstance(done, ModelGraphError):
        response = _error(done)
        outcome = "refused" if response.status_code < 500 else "failed"
        OPENLINEAGE_EVENTS.labels(outcome).inc()
        answer = json_limits.loads(bytes(response.body))
        return response.status_code, {**answer, "runId": plan.run_id}
    outcome = "duplicate" if done.duplicate else "ingested"
    OPENLINEAGE_EVENTS.labels(outcome).inc()
    answer = {"status": outcome, "runId": done.run_id, "executionId": done.execution_id}
    return (200 if done.duplicate else 201), answer


async def _one(request: Request, payload: Any) -> tuple[int, dict[str, Any]]:
    """Validate, map and record one event: (status, answer)."""
    plan = _plan(request, payload)
    if not isinstance(plan, RunPlan):
        return plan
    done: Ingested | ModelGraphError
    try:
        done = await store.ingest(request.state.db, plan, actor=principal_of(request))
    except ModelGraphError as exc:
        done = exc
    return _answer(plan, done)


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Invalid("an OpenLineage event is a JSON object", field="event")
    return payload


async def _payload(request: Request) -> Any:
    """The decoded JSON body, or the 400/413 answer refusing it (a Response)."""
    limit = request.state.settings.max_body_bytes
    try:
        return json_limits.loads(await _body(request, limit))
    except TooLarge:
        return _too_large(limit)
    except Invalid as exc:
        return _error(exc)


async def lineage(request: Request) -> Response:
    """One RunEvent: 201 recorded, 200 a replay of one already recorded, 400 naming the field."""
    payload = await _payload(request)
    if isinstance(payload, Response):
        return payload
    status, answer = await _one(request, payload)
    return JSONResponse(answer, status_code=status)


async def lineage_batch(request: Request) -> Response:
    """A JSON array of RunEvents, written in order a chunk per transaction (a refused event alone
    in its own); the answer lists every event."""
    settings: Settings = request.state.settings
    payload = await _payload(request)
    if isinstance(payload, Response):
        return payload
    if not isinstance(payload, list):
        return _error(Invalid("a batch is a JSON array of OpenLineage events", field="body"))
    limit = settings.openlineage_max_batch
    if len(payload) > limit:
        message = f"at most {limit} events per batch"
        return JSONResponse(
            {"code": "INVALID_ARGUMENT", "message": message, "field": "body", "limit": limit},
            status_code=400,
        )
    planned = [_plan(request, event) for event in payload]
    plans = [p for p in planned if isinstance(p, RunPlan)]
    db: Database = request.state.db
    done = iter(await store.ingest_many(db, plans, actor=principal_of(request)))
    results = []
    statuses = set()
    for index, plan in enumerate(planned):
        status, answer = _answer(plan, next(done)) if isinstance(plan, RunPlan) else plan
        statuses.add(status)
        results.append({"index": index, "httpStatus": status, **answer})
    failed = [r for r in results if r["httpStatus"] >= 300]
    summary = {
        "received": len(results),
        "ingested": sum(1 for r in results if r.get("status") == "ingested"),
        "duplicates": sum(1 for r in results if r.get("status") == "duplicate"),
        "failed": len(failed),
        "results": results,
    }
    if not failed:
        status = 200
    elif len(failed) == len(results) and len(statuses) == 1:
        status = failed[0]["httpStatus"]
    else:
        status = 207
    return JSONResponse(summary, status_code=status)


def routes() -> list[Route]:
    """The OpenLineage consumer's routes (the path the OpenLineage clients and Marquez use)."""
    return [
        Route("/api/v1/lineage", lineage, methods=["POST"]),
        Route("/api/v1/lineage/batch", lineage_batch, methods=["POST"]),
    ]
