"""Outbound requests to URLs a caller gave (remote logos, webhook endpoints): which addresses are
public. Loopback, private, link-local, reserved, multicast and the like are refused (unless a setting
allows them), for IP literals and for names resolving to them, so a caller cannot make Folio reach its
own network (metadata services, databases, admin ports)."""

from __future__ import annotations

import asyncio
import ipaddress

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: Address) -> bool:
    """A global address, and for an IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4,
    IPv4-compatible) the IPv4 address global too: a gateway may translate it to loopback or 169.254.169.254."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64 or address in _IPV4_COMPATIBLE:
            embedded: ipaddress.IPv4Address | None = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        else:
            embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and not embedded.is_global:
            return False
    return True


def ip_literal(host: str) -> Address | None:
    """``host`` as an IP address when it is one (``[::1]``'s brackets already stripped), else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


class NonPublicAddress(ValueError):
    """The host is, or resolves to, an address that is not public."""


RESOLVE_TIMEOUT = 5.0
"""Seconds to wait for a name to resolve."""


async def check_public_host(host: str, port: int) -> None:
    """Raise :class:`NonPublicAddress` when ``host`` is a non-public IP literal or any of the addresses
    it resolves to is not public; ``OSError`` (``socket.gaierror``, ``TimeoutError``) when it does not
    resolve (in :data:`RESOLVE_TIMEOUT`).

    The check is of the name now: a caller connecting later should check again (DNS can change)."""
    literal = ip_literal(host)
    if literal is not None:
        if not is_public(literal):
            raise NonPublicAddress(f"{host} is not a public address")
        return
    infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, port), RESOLVE_TIMEOUT)
    for info in infos:
        if not is_public(ipaddress.ip_address(info[4][0])):
            raise NonPublicAddress(f"{host} resolves to a non-public address")
