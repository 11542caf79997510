"""Per-client token buckets: a steady rate with a burst allowance, 429 with Retry-After beyond it.

Buckets live in the process, so each worker or replica limits on its own: the limit a client
sees is per worker. That is enough to stop one client from flooding a worker.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request

# Oldest idle buckets are dropped beyond this many clients, so memory stays bounded.
MAX_CLIENTS = 10_000


def rate_limit_key(request: Request) -> str:
    """Whom a request is counted against: the client address (the principal once auth exists)."""
    client = request.client
    return client.host if client else "unknown"


def is_loopback(key: str) -> bool:
    """True for 127.0.0.0/8 and ::1 (local scripts, the test suite, the bench)."""
    try:
        return ipaddress.ip_address(key).is_loopback
    except ValueError:
        return False


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """``rate`` requests per second per key, bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def acquire(self, key: str, now: float | None = None) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """``Retry-After`` in whole seconds (at least 1)."""
        return str(max(1, math.ceil(wait)))
