"""The webhook worker's HTTP/1.1 client: one ``POST`` per attempt, over connections kept per origin.

httpx through its connection pool cost the worker ~2 ms of CPU per request (its pool scans every
connection per request through anyio's wrappers); this client does the same job with ``h11`` (httpx's own
HTTP/1.1 parser) over asyncio streams for about a tenth of that, and keeps every guarantee the worker
gives:

- **Only checked addresses.** A new connection's host is resolved, *every* address checked with the
  ``allowed`` rule (:func:`invoicing.core.netsafety.is_public` unless private addresses are allowed) and the
  connection made to a checked address: no second lookup, so a name re-pointed at the internal network
  (DNS rebinding) reaches nothing. A name's answer is kept :data:`DNS_TTL` seconds; the rule is applied to
  it again at every use, so a kept answer never lets through what the rule refuses, and a name that starts
  answering an internal address after its answer was kept reaches only the address that was checked.
- **Bounded.** Each network step (connect, send and the response's head, the body) within ``timeout``; at
  most :data:`READ_CAP` bytes of a body read (the connection is then closed, so a never-ending body costs
  nothing more); h11 bounds a response's head (16 KB). No redirects are followed, no proxy is used.
- **Connections reused.** A connection whose response was read to its end and that neither side closes goes
  back to its origin's idle list (at most ``max_idle``) and is closed after :data:`KEEP_ALIVE` idle seconds
  (:meth:`Sender.sweep`). A kept connection the receiver closed meanwhile is tried again at once on a new one
  when it failed before any answer came back (at least once: receivers de-duplicate by ``webhook-id``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import h11
import httpx

from invoicing.core.netsafety import Address, Resolver, is_public, public_addresses, resolve

READ_CAP = 64 * 1024
"""Bytes of a response read at most (the rest is not read; the connection is closed)."""
KEEP_ALIVE = 5.0
"""Seconds an idle connection is kept for the next request to its origin."""
DNS_TTL = 10.0
"""Seconds a name's resolution is kept (and re-checked at every use)."""

Header = tuple[bytes, bytes]


class Failed(Exception):
    """The request got no answer (connect, send or the response's head failed); the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """An endpoint URL as the client needs it."""

    https: bool
    host: str
    """For resolving and TLS: no brackets around an IPv6 literal, IDNA-encoded."""
    port: int
    authority: bytes
    """The ``host`` header."""
    path: bytes
    """Path and query."""

    @property
    def origin(self) -> tuple[bool, str, int]:
        return self.https, self.host, self.port


@lru_cache(maxsize=4096)
def target(url: str) -> Target:
    """``url`` parsed once (a ``ValueError`` for what is not an absolute http(s) URL)."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"not an absolute http(s) URL: {url}")
    https = parsed.scheme == "https"
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if https else 80)
    authority = f"[{host}]" if ":" in host else host
    if parsed.port is not None:
        authority += f":{parsed.port}"
    return Target(https, host, port, authority.encode("ascii"), parsed.raw_path)


class _Connection:
    __slots__ = ("idle_since", "protocol", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.protocol = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    def usable(self) -> bool:
        """Idle, and not closed by the other side (as far as this process has seen)."""
        return not (self.writer.is_closing() or self.reader.at_eof() or self.reader.exception() is not None)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()

    async def event(self) -> h11.Event | type[h11.PAUSED]:
        while True:
            event = self.protocol.next_event()
            if event is h11.NEED_DATA:
                self.protocol.receive_data(await self.reader.read(65536))
            else:
                return cast(h11.Event | type[h11.PAUSED], event)


@dataclass(slots=True)
class Answer:
    status_code: int
    body: bytes
    """At most :data:`READ_CAP` bytes."""
    error: str | None = None
    """Why the body was not read (the status stands)."""


class Sender:
    def __init__(
        self,
        timeout: float,
        *,
        allowed: Callable[[Address], bool] = is_public,
        resolver: Resolver = resolve,
        max_idle: int = 16,
        user_agent: bytes = b"Folio-Webhooks/1",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout, self.allowed, self.resolver = timeout, allowed, resolver
        self.max_idle, self.user_agent, self.clock = max_idle, user_agent, clock
        self._idle: dict[tuple[bool, str, int], list[_Connection]] = {}
        self._names: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._ssl: ssl.SSLContext | None = None

    # -- addresses -----------------------------------------------------------------------------------

    async def _resolve(self, host: str, port: int) -> list[str]:
        now = self.clock()
        kept = self._names.get((host, port))
        if kept is not None and kept[0] > now:
            return kept[1]
        addresses = await self.resolver(host, port)
        self._names[(host, port)] = (now + DNS_TTL, addresses)
        return addresses

    async def addresses(self, host: str, port: int) -> list[Address]:
        """What a new connection to ``host`` may go to: its addresses (kept up to :data:`DNS_TTL`), each one
        checked now; :class:`~invoicing.core.netsafety.NonPublicAddress` when any is refused."""
        return await public_addresses(host, port, self._resolve, self.allowed)

    # -- connections ---------------------------------------------------------------------------------

    async def _connect(self, to: Target) -> _Connection:
        addresses = await self.addresses(to.host, to.port)
        if to.https and self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        failure: OSError | None = None
        for address in addresses:  # the first that answers, as a resolver's caller would
            try:
                reader, writer = await asyncio.open_connection(
                    str(address),
                    to.port,
                    ssl=self._ssl if to.https else None,
                    server_hostname=to.host if to.https else None,
                    limit=READ_CAP,
                )
            except OSError as exc:
                failure = exc
                continue
            return _Connection(reader, writer)
        raise failure or OSError(f"{to.host} has no address")

    def _idle_connection(self, to: Target) -> _Connection | None:
        idle = self._idle.get(to.origin)
        while idle:
            connection = idle.pop()
            if connection.usable() and self.clock() - connection.idle_since < KEEP_ALIVE:
                return connection
            connection.close()
        return None

    def _release(self, to: Target, connection: _Connection) -> None:
        protocol = connection.protocol
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE and connection.usable():
            idle = self._idle.setdefault(to.origin, [])
            if len(idle) < self.max_idle:
                protocol.start_next_cycle()
                connection.idle_since = self.clock()
                idle.append(connection)
                return
        connection.close()

    def sweep(self) -> None:
        """Close the connections idle for :data:`KEEP_ALIVE` and forget expired resolutions."""
        now = self.clock()
        for origin, idle in list(self._idle.items()):
            keep = [c for c in idle if now - c.idle_since < KEEP_ALIVE and c.usable()]
            for c in idle:
                if c not in keep:
                    c.close()
            if keep:
                self._idle[origin] = keep
            else:
                del self._idle[origin]
        for name, (expires, _) in list(self._names.items()):
            if expires <= now:
                del self._names[name]

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()

    # -- one request ---------------------------------------------------------------------------------

    async def post(self, url: str, headers: Sequence[Header], body: bytes) -> Answer:
        """``POST`` ``body`` to ``url``: the answer, or :class:`Failed`, ``TimeoutError``,
        :class:`~invoicing.core.netsafety.NonPublicAddress` (a ``ValueError``) or ``OSError`` when none came."""
        to = target(url)
        request = h11.Request(
            method=b"POST",
            target=to.path,
            headers=[
                (b"host", to.authority),
                (b"user-agent", self.user_agent),
                *headers,
                (b"content-length", b"%d" % len(body)),
            ],
        )
        connection = self._idle_connection(to)
        if connection is not None:
            try:
                return await self._exchange(to, connection, request, body)
            except _Unanswered:
                pass  # closed by the receiver while idle: once more on a new connection
        async with asyncio.timeout(self.timeout):
            connection = await self._connect(to)
        try:
            return await self._exchange(to, connection, request, body)
        except _Unanswered as exc:
            raise Failed(str(exc)) from exc.__cause__

    async def _exchange(self, to: Target, connection: _Connection, request: h11.Request, body: bytes) -> Answer:
        protocol = connection.protocol
        try:
            try:
                connection.writer.write(
                    protocol.send(request) + protocol.send(h11.Data(data=body)) + protocol.send(h11.EndOfMessage())
                )
                async with asyncio.timeout(self.timeout):
                    await connection.writer.drain()
                    while True:
                        event = await connection.event()
                        if isinstance(event, h11.Response):
                            break
                        if not isinstance(event, h11.InformationalResponse):  # 100 Continue and the like
                            raise _Unanswered(f"no response: {type(event).__name__}")
            except h11.RemoteProtocolError as exc:
                raise _Unanswered(f"RemoteProtocolError: {exc}") from exc
            except (ConnectionError, EOFError) as exc:
                raise _Unanswered(f"{type(exc).__name__}: the receiver closed the connection") from exc
        except BaseException:
            connection.close()
            raise
        answer = Answer(event.status_code, b"")
        read = bytearray()
        try:
            async with asyncio.timeout(self.timeout):
                while len(read) < READ_CAP:
                    part = await connection.event()
                    if isinstance(part, h11.Data):
                        read += part.data
                    elif isinstance(part, h11.EndOfMessage):
                        break
                    else:
                        raise h11.RemoteProtocolError(f"unexpected {type(part).__name__}")
                else:  # the cap reached first: the rest is never read
                    connection.close()
        except (TimeoutError, OSError, EOFError, h11.ProtocolError) as exc:
            connection.close()
            answer.error = f"response body not read: {type(exc).__name__}"
            return answer
        except BaseException:
            connection.close()
            raise
        answer.body = bytes(read[:READ_CAP])
        self._release(to, connection)
        return answer


class _Unanswered(Exception):
    """The connection failed before a response's head arrived."""
