"""Cross-site requests to the standalone dashboard's session doors are refused.

``POST /app/session``, ``/app/sign-in``, ``/app/sign-out`` (and every unsafe ``/app/api/…`` call, on
top of its CSRF token) must come from Folio's own pages. A page on another site can make a browser
post a form there (a ``text/plain`` form can even carry a body that parses as JSON): it could sign
the visitor into the attacker's account (login CSRF), sign them out, or use their browser to mail
sign-in links. Browsers say where a request comes from, and this guard reads it::

    Origin present      must be the app's own origin: FOLIO_PUBLIC_URL's, or scheme://Host of the
                        request itself (how a server is reached that runs under another name, e.g. in
                        tests); anything else, "null" included → 403 problem+json, code "cross_origin"
    no Origin           Sec-Fetch-Site "cross-site" or "same-site" → 403, code "cross_site"
    neither header      a server-to-server call (curl, a platform's backend): allowed; it carries no
                        visitor's cookie, and the abuse limits still count it
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from contract.errors import Forbidden

DEFAULT_PORTS = {"http": 80, "https": 443}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` in lower case without a default port, or None for what is not an origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def own_origins(public_url: str, scheme: str, host: str | None) -> set[str]:
    own = {origin_of(public_url)}
    if host:
        own.add(origin_of(f"{scheme}://{host}"))
    return {o for o in own if o}


def check_same_origin(public_url: str, scheme: str, headers: Mapping[str, str], path: str) -> None:
    get = headers.get
    origin = get("origin")
    if origin is not None:
        if origin_of(origin) in own_origins(public_url, scheme, get("host")):
            return
        raise Forbidden(
            f"A request to {path} must come from Folio's own pages ({origin_of(public_url)}); this one "
            f"came from {origin!r}, another site, and was refused.",
            code="cross_origin",
        )
    site = (get("sec-fetch-site") or "").lower()
    if site in ("cross-site", "same-site"):
        raise Forbidden(
            f"A request to {path} must come from Folio's own pages; the browser says this one came from "
            f"another site (Sec-Fetch-Site: {site}), so it was refused.",
            code="cross_site",
        )


def same_origin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard: unsafe methods only (the proxy route also serves GET)."""
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    check_same_origin(
        connection.app.state.standalone.public_url, connection.url.scheme, connection.headers, connection.url.path
    )
