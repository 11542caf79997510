"""Background jobs of the service lifespan: a coroutine run every few seconds while a block runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from modelgraph.domain.errors import ModelGraphError

log = logging.getLogger(__name__)


async def _loop(
    name: str, seconds: float, job: Callable[[], Awaitable[object]], wait: bool
) -> None:
    while True:
        if wait:
            await asyncio.sleep(seconds)
        wait = True
        try:
            await job()
        except ModelGraphError as exc:  # an outage: the next round tries again
            log.debug("%s skipped: %s", name, exc.message)


@contextlib.asynccontextmanager
async def every(
    seconds: float, job: Callable[[], Awaitable[object]], *, name: str, wait_first: bool = False
) -> AsyncIterator[None]:
    """Run ``job`` every ``seconds`` (first at once, or after one interval with ``wait_first``)
    while the block runs; cancelled when it ends."""
    task = asyncio.create_task(_loop(name, seconds, job, wait_first), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
