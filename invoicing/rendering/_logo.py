"""Logos: recognising the image type, and fetching a remote ``branding.logo_url``.

A remote logo is fetched with a short timeout and a size cap, without redirects, and (unless
allowed) never from loopback, private or link-local addresses. Results, failures included, are
cached per process, so a slow or dead host costs one timeout per ``FAILURE_TTL`` at most and a
render never fails because of a logo: it goes without. :func:`logo_lifespan` gives the app's process
one shared fetcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
from litestar import Litestar, Request

from invoicing.core.netsafety import check_public_host, public_only_transport
from invoicing.rendering._render import Logo

log = logging.getLogger("folio.rendering")

SUCCESS_TTL = 3600.0
FAILURE_TTL = 300.0
MAX_ENTRIES = 512
_SVG = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]", re.S | re.I)


def sniff(content: bytes) -> str | None:
    """The image's real type from its first bytes: ``image/png``, ``image/jpeg``, ``image/svg+xml`` or None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if _SVG.match(content[:4096]):
        return "image/svg+xml"
    return None


class LogoFetcher:
    def __init__(
        self,
        *,
        timeout: float,
        max_bytes: int,
        allow_private: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=5)
        if transport is None and not allow_private:  # checked again at each connection: no DNS rebinding
            transport = public_only_transport(limits)
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            limits=limits,
            headers={"User-Agent": "Folio logo fetcher", "Accept": "image/png, image/jpeg, image/svg+xml"},
        )
        self.timeout = timeout
        self._cache: dict[str, tuple[float, Logo | None]] = {}
        self._pending: dict[str, asyncio.Future] = {}

    async def close(self) -> None:
        await self.client.aclose()

    async def get(self, url: str) -> Logo | None:
        hit = self._cache.get(url)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        if url in self._pending:  # one fetch per URL at a time
            return await asyncio.shield(self._pending[url])
        future = asyncio.get_running_loop().create_future()
        self._pending[url] = future
        try:
            try:
                logo = await asyncio.wait_for(self._fetch(url), self.timeout + 0.5)
            except Exception as exc:  # any failure: render without the logo
                log.warning("logo %s not fetched: %s", url, exc or type(exc).__name__)
                logo = None
            if len(self._cache) >= MAX_ENTRIES:
                self._cache.clear()
            self._cache[url] = (time.monotonic() + (SUCCESS_TTL if logo else FAILURE_TTL), logo)
            future.set_result(logo)
            return logo
        finally:
            del self._pending[url]
            if not future.done():  # cancelled: let the waiters go without a logo
                future.set_result(None)

    async def _check_host(self, host: str, port: int) -> None:
        if self.allow_private:
            return
        await check_public_host(host, port)

    async def _fetch(self, url: str) -> Logo | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("only http(s) URLs")
        await self._check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        async with self.client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > self.max_bytes:
                raise ValueError(f"{declared} bytes is over the {self.max_bytes}-byte cap")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise ValueError(f"over the {self.max_bytes}-byte cap")
        kind = sniff(bytes(body))
        if kind is None:
            raise ValueError("not a PNG, JPEG or SVG image")
        return Logo(bytes(body), kind)


@contextlib.asynccontextmanager
async def logo_lifespan(app: Litestar) -> AsyncIterator[None]:
    """One shared :class:`LogoFetcher` for the app's process (``app.state.logo_fetcher``), closed on shutdown."""
    settings = app.state.settings.rendering
    fetcher = LogoFetcher(
        timeout=settings.logo_timeout,
        max_bytes=settings.logo_max_bytes,
        allow_private=settings.logo_allow_private_hosts,
    )
    app.state.logo_fetcher = fetcher
    try:
        yield
    finally:
        await fetcher.close()


def provide_logo_fetcher(request: Request) -> LogoFetcher | None:
    """The process's fetcher (the ``logo_fetcher`` dependency); None outside the app's lifespan."""
    return getattr(request.app.state, "logo_fetcher", None)
