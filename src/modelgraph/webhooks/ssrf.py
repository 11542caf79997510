"""Outbound URL guard: webhooks may not reach loopback, private or link-local addresses.

The allow-list (``MODELGRAPH_WEBHOOK_ALLOW``: host names and CIDRs, comma separated) opens
exceptions, e.g. ``127.0.0.1/32`` for a receiver on the same machine. The check runs at
registration and again before every attempt, so a DNS answer that changes cannot slip past.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from modelgraph.domain.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_URL_LENGTH = 2_048


@dataclass(frozen=True)
class AllowList:
    """Targets allowed although they are not public."""

    hosts: frozenset[str]
    networks: tuple[Network, ...]

    @classmethod
    def parse(cls, text: str) -> AllowList:
        hosts: set[str] = set()
        networks: list[Network] = []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower())
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower() in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def _public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_shape(url: str) -> tuple[str, int]:
    """``(host, port)`` of a well-formed http(s) URL without credentials; Invalid otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise Invalid(f"url longer than {MAX_URL_LENGTH} characters", field="url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("url must be an http:// or https:// URL with a host", field="url")
    if parts.username or parts.password:
        raise Invalid("url must not carry credentials", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Invalid("url has an invalid port", field="url") from exc
    return parts.hostname, port


async def check_url(url: str, allow: AllowList) -> None:
    """Raise Invalid unless every address ``url``'s host resolves to is public or allowed."""
    host, port = check_shape(url)
    if allow.allows_host(host):
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Invalid(f"url host {host!r} does not resolve", field="url") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not _public(address) and not allow.allows_address(address):
            raise Invalid(
                f"url resolves to {address}, a non-public address (not in the webhook allow-list)",
                field="url",
            )
