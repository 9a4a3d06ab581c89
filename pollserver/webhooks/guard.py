"""The SSRF guard: which URLs and addresses a webhook may reach.

Checked at connect time, not when the endpoint is saved: the host name is resolved once per
try, every address is checked, and the connection goes to the checked address (with the
name kept for TLS SNI, certificate checks and the ``Host`` header). A name that resolves to
a public address when saved and to ``127.0.0.1`` later (DNS rebinding) is refused then.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Refused", "Target", "check_address", "resolve_target"]

#: Cloud metadata services that are not inside a private or link-local range.
_METADATA = (ipaddress.ip_network("fd00:ec2::254/128"), ipaddress.ip_network("100.100.100.200/32"))

Resolver = Callable[[str, int], list[str]]


class Refused(Exception):
    """The guard refused this URL or address (the message says why, for the log)."""


@dataclass(frozen=True)
class Target:
    """Where one try goes: the URL's parts and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_address(address: str, *, allow_private: bool = False) -> None:
    """Raise ``Refused`` unless ``address`` is a public unicast address (or private ones are
    allowed). Loopback, private, link-local (the 169.254.169.254 metadata service),
    shared, multicast, reserved and unspecified addresses are all refused."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _METADATA):
        raise Refused(f"{ip} is a metadata service address")
    if allow_private and (ip.is_private or ip.is_loopback or ip.is_link_local):
        return
    if not ip.is_global or ip.is_multicast:
        raise Refused(f"{ip} is not a public address")


def _getaddrinfo(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def resolve_target(url: str, *, allow_http: bool = False, allow_private: bool = False,
                   resolve: Resolver = _getaddrinfo) -> Target:
    """Check the URL's scheme, resolve its host once and check every address it has.

    Every address must pass (a name with one public and one private address is refused),
    so the choice of address cannot be steered by the resolver's order.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_http):
        raise Refused("only https:// endpoints are allowed")
    if not parts.hostname or parts.username or parts.password:
        raise Refused("the URL has no host (or carries credentials)")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise Refused("the URL's port is not a number") from exc
    try:
        addresses = resolve(parts.hostname, port)
    except OSError as exc:
        raise Refused(f"cannot resolve {parts.hostname}: {exc}") from exc
    if not addresses:
        raise Refused(f"{parts.hostname} has no address")
    for address in addresses:
        check_address(address, allow_private=allow_private)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port, path, addresses[0])
