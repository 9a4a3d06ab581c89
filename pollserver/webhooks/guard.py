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

#: The well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 address the
#: translator connects to, so that address is what gets checked.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"),)

#: IPv6 forms that carry an IPv4 address some stack or relay may reach instead of a real
#: IPv6 host: IPv4-compatible ``::a.b.c.d`` (deprecated), IPv4-translated
#: ``::ffff:0:a.b.c.d`` (SIIT), 6to4 ``2002::/16`` and Teredo ``2001::/32`` (relays the
#: operator does not control), local-use NAT64 ``64:ff9b:1::/48`` (a private translator)
#: and the deprecated site-local ``fec0::/10``. None is a
#: legitimate address for a webhook receiver, so they are refused whatever they wrap.
_WRAPPERS = (
    (ipaddress.ip_network("::/96"), "an IPv4-compatible address"),
    (ipaddress.ip_network("::ffff:0:0:0/96"), "an IPv4-translated address"),
    (ipaddress.ip_network("2002::/16"), "a 6to4 address"),
    (ipaddress.ip_network("2001::/32"), "a Teredo address"),
    (ipaddress.ip_network("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (ipaddress.ip_network("fec0::/10"), "a site-local address"),
)

#: Global unicast IPv6 (RFC 4291): a public receiver's address is in here (or NAT64).
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")

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
    shared, multicast, reserved and unspecified addresses are all refused, and so is every
    IPv6 form that wraps an IPv4 address other than IPv4-mapped and NAT64 ``64:ff9b::/96``,
    whose IPv4 address is checked instead."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _unwrapped(ip, allow_private=allow_private)
    if any(ip in net for net in _METADATA):
        raise Refused(f"{ip} is a metadata service address")
    if allow_private and (ip.is_private or ip.is_loopback or ip.is_link_local):
        return
    if not ip.is_global or ip.is_multicast:
        raise Refused(f"{ip} is not a public address")


def _unwrapped(ip: ipaddress.IPv6Address, *, allow_private: bool
               ) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """Return the address a connection to ``ip`` really reaches, for the checks that follow.

    An IPv4-mapped or NAT64 address reaches its embedded IPv4 address, which is checked as
    such (so ``64:ff9b::10.0.0.1`` is the private ``10.0.0.1``, while a public IPv4 host
    behind DNS64 stays reachable). Other forms wrapping IPv4, site-local addresses and
    anything outside global unicast are refused here; private, loopback and link-local
    addresses go on to the checks in :func:`check_address`, which know ``allow_private``.
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.is_loopback or ip.is_unspecified:
        return ip
    for net, what in _WRAPPERS:
        if ip in net and not (allow_private and ip.is_site_local):
            raise Refused(f"{ip} is {what}")
    if ip in _GLOBAL_UNICAST or ip.is_site_local or ip.is_private or ip.is_link_local \
            or ip.is_multicast:
        return ip  # the checks that follow decide
    raise Refused(f"{ip} is not a global unicast address")


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
    except (OSError, UnicodeError) as exc:  # a name IDNA cannot encode is no name
        raise Refused(f"cannot resolve {parts.hostname}: {exc}") from exc
    if not addresses:
        raise Refused(f"{parts.hostname} has no address")
    for address in addresses:
        check_address(address, allow_private=allow_private)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port, path, addresses[0])
