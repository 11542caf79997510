"""Server-generated ids: opaque strings that sort by creation time."""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _b32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id() -> str:
    """A 26-character ULID-style id: 48 bits of epoch ms, then 80 random bits."""
    return _b32(int(time.time() * 1000), 10) + _b32(int.from_bytes(os.urandom(10), "big"), 16)


def now_ms() -> int:
    """Epoch milliseconds, the unit of every timestamp in the graph."""
    return int(time.time() * 1000)
