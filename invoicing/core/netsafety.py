"""Outbound requests to URLs a caller gave (remote logos, webhook endpoints): which addresses are
public. Loopback, private, link-local, reserved, multicast and the like are refused (unless a setting
allows them), for IP literals and for names resolving to them, so a caller cannot make Folio reach its
own network (metadata services, databases, admin ports).

:func:`public_only_transport` does the check where it cannot be dodged: when a connection is opened, the
name is resolved once, every address checked, and the connection made to a checked address (TLS still
verifies the name). A name re-pointed at the internal network between a check and the connection
("DNS rebinding") has nothing to exploit: there is no second resolution."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

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


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (in :data:`RESOLVE_TIMEOUT`), in the resolver's order."""
    infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, port), RESOLVE_TIMEOUT)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_public_host(host: str, port: int) -> None:
    """Raise :class:`NonPublicAddress` when ``host`` is a non-public IP literal or any of the addresses
    it resolves to is not public; ``OSError`` (``socket.gaierror``, ``TimeoutError``) when it does not
    resolve (in :data:`RESOLVE_TIMEOUT`).

    The check is of the name now (to refuse a URL when it is saved): connect with
    :func:`public_only_transport`, which checks again what it connects to."""
    await public_addresses(host, port, resolve, is_public)


async def public_addresses(
    host: str, port: int, resolver: Resolver, allowed: Callable[[Address], bool]
) -> list[Address]:
    """``host`` itself when it is an IP literal, else what it resolves to now; :class:`NonPublicAddress` when
    any of them is not ``allowed``."""
    literal = ip_literal(host)
    addresses = [literal] if literal is not None else [ipaddress.ip_address(a) for a in await resolver(host, port)]
    for address in addresses:
        if not allowed(address):
            raise NonPublicAddress(f"{host} is or resolves to {address}, not a public address")
    return addresses


class _PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses checked at that moment."""

    def __init__(self, resolver: Resolver, allowed: Callable[[Address], bool]) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.resolver, self.allowed = resolver, allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await public_addresses(host, port, self.resolver, self.allowed)
        failure: Exception | None = None
        for address in addresses:  # the first that answers, as a resolver's caller would
            try:
                return await self.inner.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("no Unix sockets for outbound requests to callers' URLs")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def public_only_transport(
    limits: httpx.Limits, *, resolver: Resolver = resolve, allowed: Callable[[Address], bool] = is_public
) -> httpx.AsyncHTTPTransport:
    """An httpx transport that connects only to public addresses, checked when each connection is opened
    (:class:`NonPublicAddress`, a ``ValueError``, otherwise); no proxies from the environment."""
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    # httpx takes no network backend; its pool is rebuilt with the same settings and this one
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_PublicOnlyBackend(resolver, allowed),
    )
    return transport
