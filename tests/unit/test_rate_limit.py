"""Token buckets: bursts, steady rate, Retry-After, bounded memory; Host header parsing."""

from __future__ import annotations

from modelgraph.http import ratelimit
from modelgraph.http.middleware import host_name
from modelgraph.http.ratelimit import RateLimiter, is_loopback


def test_burst_then_steady_rate_then_retry_after() -> None:
    limiter = RateLimiter(rate=2.0, burst=3)
    assert [limiter.acquire("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.acquire("a", now=0.0)
    assert wait == 0.5
    assert RateLimiter.retry_after(wait) == "1"
    assert limiter.acquire("b", now=0.0) == 0.0  # other clients have their own bucket
    assert limiter.acquire("a", now=0.5) == 0.0  # refilled at 2/s


def test_buckets_are_bounded(monkeypatch: object) -> None:
    limiter = RateLimiter(rate=1.0, burst=1)
    for n in range(ratelimit.MAX_CLIENTS + 50):
        limiter.acquire(f"client-{n}", now=0.0)
    assert len(limiter._buckets) == ratelimit.MAX_CLIENTS


def test_loopback_and_host_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("10.0.0.1")
    assert not is_loopback("testclient")
    assert host_name("LocalHost:8000") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1"
    assert host_name("evil.example") == "evil.example"
