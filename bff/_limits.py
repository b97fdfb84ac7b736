"""Abuse limits for the BFF's public doors: a window per key, kept in this process's memory or, on
PostgreSQL, in the database every process shares.

::

    POST /app/sign-in      per e-mail address   FOLIO_LIMIT_SIGN_IN_EMAIL   default 5 per 15 min
                           per client IP        FOLIO_LIMIT_SIGN_IN_IP      default 20 per 15 min
    POST /embed/session    per client IP        FOLIO_LIMIT_SESSION_IP      default 120 per minute
    POST /app/session      per client IP        (the same setting, its own window)

    over the limit → 429 problem+json (code "rate_limited") with Retry-After: the seconds until the
                     oldest counted request leaves the window; nothing is done (no e-mail, no token spent)

The windows slide: a window remembers the times of the requests it let through. Refused ones do not
count, so a flood cannot keep an address locked out beyond one window. In memory (SQLite, one process;
or a BFF deployed on its own) they are this process's. With a :class:`SharedCounts` (``folio serve`` on
PostgreSQL: :mod:`invoicing.db.rate_limits`) every process counts in one table instead, so N processes
let through what one would: each window counted by one atomic upsert that only appends below the limit,
a request's windows in one transaction (refused by any, counted in none); the keys are stored hashed.
The client IP is the ASGI client, which uvicorn takes from ``X-Forwarded-For`` only when the
connection comes from a trusted proxy (``FORWARDED_ALLOW_IPS``, default loopback); IPv6 clients count
per /64.
The clock is ``time.time`` (frozen in tests).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from litestar import Request, Response
from litestar.types import ExceptionHandlersMap

from bff.config import BffSettings
from contract.errors import FolioError, folio_error_handler

MAX_KEYS = 100_000
"""Keys one window remembers at most; past it, idle keys go first, then the oldest."""


class RateLimited(FolioError):
    status, title = 429, "Too many requests"

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail, code="rate_limited", retry_after=retry_after)
        self.retry_after = retry_after


def rate_limited_handler(request: Request, exc: RateLimited) -> Response:
    response = folio_error_handler(request, exc)
    response.headers["Retry-After"] = str(exc.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


RATE_LIMIT_HANDLERS: ExceptionHandlersMap = {RateLimited: rate_limited_handler}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit | None:
        """``"5/900"``: 5 requests per 900 seconds; ``"0"`` or ``"off"``: no limit."""
        text = text.strip().lower()
        if text in ("0", "off", "none", ""):
            return None
        count, _, seconds = text.partition("/")
        try:
            limit = cls(int(count), int(seconds))
        except ValueError:
            raise ValueError(f"a limit is written 'COUNT/SECONDS' (e.g. '5/900'), not {text!r}") from None
        if limit.count < 1 or limit.seconds < 1:
            raise ValueError(f"a limit needs a positive count and window, not {text!r}")
        return limit

    def __str__(self) -> str:
        return f"{self.count} per {self.seconds} s"


class SharedCounts(Protocol):
    """Windows kept where every process counts (the database): see the module docstring."""

    async def take(self, requests: Sequence[tuple[str, str, Limit]], now: float) -> list[int | None]:
        """Count one request against each ``(bucket, key, limit)``, all or none: the seconds to wait for each
        (None where there was room); when any is not None, nothing was counted."""
        ...


class SlidingWindow:
    """At most ``limit.count`` requests per key in any ``limit.seconds``: in this process, or, with
    ``shared``, in ``bucket`` across every process (:func:`take`)."""

    def __init__(
        self,
        limit: Limit | None,
        *,
        clock: Callable[[], float] = time.time,
        max_keys: int = MAX_KEYS,
        bucket: str = "",
        shared: SharedCounts | None = None,
    ):
        self.limit = limit
        self.clock = clock
        self.max_keys = max_keys
        self.bucket = bucket
        self.shared = shared
        self._hits: dict[str, deque[float]] = {}

    def retry_after(self, key: str, now: float | None = None) -> int | None:
        """Seconds until ``key`` may make another request, or None if it may now."""
        if self.limit is None:
            return None
        now = self.clock() if now is None else now
        hits = self._hits.get(key)
        if not hits:
            return None
        start = now - self.limit.seconds
        while hits and hits[0] <= start:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        if len(hits) < self.limit.count:
            return None
        return max(1, math.ceil(hits[0] - start))

    def add(self, key: str, now: float | None = None) -> None:
        if self.limit is None:
            return
        now = self.clock() if now is None else now
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._evict(now)
            hits = self._hits[key] = deque()
        hits.append(now)

    def _evict(self, now: float) -> None:
        assert self.limit is not None
        start = now - self.limit.seconds
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= start]:
            del self._hits[key]
        while len(self._hits) >= self.max_keys:
            del self._hits[next(iter(self._hits))]


def hit(*checks: tuple[SlidingWindow, str, str]) -> None:
    """Count one request against every ``(window, key, what)`` in this process's memory, or refuse it (and
    count nothing) when any window is full. ``what`` names the limit in the problem's detail."""
    waits = [(window.retry_after(key), window, what) for window, key, what in checks]
    _refuse(waits)
    for window, key, _ in checks:
        window.add(key)


async def take(*checks: tuple[SlidingWindow, str, str]) -> None:
    """:func:`hit`, where the windows keep their counts: the shared store when they have one (all of one
    request's windows share it or none does), else this process's memory."""
    shared = [(window, key, what) for window, key, what in checks if window.shared and window.limit]
    if not shared:
        hit(*checks)
        return
    store, now = shared[0][0].shared, shared[0][0].clock()
    assert store is not None and all(window.shared is store for window, _, _ in shared)
    waits = await store.take([(window.bucket, key, window.limit) for window, key, _ in shared if window.limit], now)
    _refuse([(wait, window, what) for wait, (window, _, what) in zip(waits, shared, strict=True)])


def _refuse(waits: list[tuple[int | None, SlidingWindow, str]]) -> None:
    refused = [(wait, window, what) for wait, window, what in waits if wait is not None]
    if refused:
        wait, window, what = max(refused, key=lambda r: r[0])
        raise RateLimited(f"Too many requests {what} (at most {window.limit}); try again in {wait} s.", wait)


def client_key(request: Request) -> str:
    """The client's address as the limits count it: IPv4 as is, IPv6 by its /64."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped or address) if address.version == 6 else str(address)


@dataclass
class Limits:
    """The BFF's windows, one per door and key kind; created once per app, in this process's memory or in
    ``shared`` (then each window's bucket is its field name)."""

    sign_in_email: SlidingWindow
    sign_in_ip: SlidingWindow
    embed_session_ip: SlidingWindow
    app_session_ip: SlidingWindow

    @classmethod
    def of(cls, settings: BffSettings, shared: SharedCounts | None = None) -> Limits:
        session = Limit.parse(settings.limit_session_ip)
        limits = {
            "sign_in_email": Limit.parse(settings.limit_sign_in_email),
            "sign_in_ip": Limit.parse(settings.limit_sign_in_ip),
            "embed_session_ip": session,
            "app_session_ip": session,
        }
        return cls(**{name: SlidingWindow(limit, bucket=name, shared=shared) for name, limit in limits.items()})
