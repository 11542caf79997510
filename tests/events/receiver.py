"""A real webhook receiver: an HTTP server on 127.0.0.1 that scripts its answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from modelgraph.webhooks import signing
from tests.conftest import free_port


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes
    at: float
    answered: int

    @property
    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def signed_by(self, secret: str) -> bool:
        return signing.verify(
            secret,
            self.headers["webhook-id"],
            self.headers["webhook-timestamp"],
            self.headers["webhook-signature"],
            self.body,
            int(time.time()),
        )


# Given the number of requests so far, the status (and extra headers) to answer with.
Script = Callable[[int], tuple[int, dict[str, str]]]


def always_ok(_: int) -> tuple[int, dict[str, str]]:
    return 200, {}


@dataclass
class Receiver:
    """Start with ``with Receiver(...) as r``; ``r.url`` is where webhooks should point."""

    script: Script = always_ok
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self) -> Receiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with outer._lock:
                    status, extra = outer.script(len(outer.received))
                    outer.received.append(
                        Received(
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            time.monotonic(),
                            status,
                        )
                    )
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def delivered(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if 200 <= r.answered < 300]

    def wait_for_requests(self, count: int, within: float = 20.0) -> None:
        """Block until ``count`` requests arrived, whatever they were answered."""
        deadline = time.monotonic() + within
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver got {len(self.received)} requests, wanted {count}")
            time.sleep(0.05)

    def wait_for(self, count: int, within: float = 20.0) -> list[Received]:
        """Block until ``count`` requests were answered 2xx; the 2xx ones."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            done = self.delivered()
            if len(done) >= count:
                return done
            time.sleep(0.05)
        raise AssertionError(f"receiver got {len(self.delivered())} deliveries, wanted {count}")
