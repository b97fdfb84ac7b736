"""The dashboard's calls, forwarded to the API as the session's entity user.

::

    /embed/api/v1/<path>?<query>   Authorization: Bearer <session token>
    /app/api/v1/<path>?<query>     (standalone dashboard: the session cookie and X-CSRF-Token, see bff.app)
        │ session verified by the caller (bff.embed, bff.app)    → 401 problem+json otherwise
        │ path checked (defence in depth; the API still decides) → 404 for what the dashboard never needs
        ▼
    /v1/<path>?<query>             Authorization: Bearer embu_… (this entity, this user, 2 min)
                                   X-Entity-Id: <the session's entity>
        the caller's Authorization, Cookie, X-CSRF-Token and hop-by-hop headers are dropped both ways;
        the request body streams up, the response streams down (PDFs); an answer without its own
        Cache-Control gets "private, no-store" (it is one user's data), with Vary naming the credential;
        timeout → 504, connection failure → 502 (problem+json)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any, cast
from urllib.parse import unquote

import httpx
from litestar import Request, Response
from litestar.enums import HttpMethod
from litestar.response import Stream
from litestar.types import ASGIApp, Receive, Scope, Send

from bff._api import IN_PROCESS_CLIENT, IN_PROCESS_HOST, FolioApi, upstream_failure
from bff._tokens import Claims
from contract.errors import FolioError, NotFound

PROXY_METHODS = [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE]
"""What the dashboard may call through the proxy (the API decides, per route, what each role may do)."""

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
DROP_REQUEST = HOP_BY_HOP | {
    "host",
    "authorization",
    "cookie",
    "x-entity-id",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "forwarded",
    "origin",
    "referer",
    "x-csrf-token",
}
DROP_RESPONSE = HOP_BY_HOP | {"set-cookie", "date", "server"}
BUFFER_LIMIT = 256 * 1024  # answers up to this size (with a Content-Length) are read at once, bigger ones stream

# what the dashboard never calls through the proxy: the account, other entities' keys, the BFF's own endpoints
DENIED_TOP = frozenset({"account", "embed", "schema"})


def upstream_path(raw_path: str, claims: Claims, prefix: str) -> str:
    """``/embed/api/v1/x`` (or ``/app/api/v1/x``) → ``/v1/x``, refusing what the dashboard has no business calling."""
    path = raw_path[len(prefix) :] if raw_path.startswith(prefix + "/") else "/"
    segments = unquote(path).split("/")[1:]
    if (
        len(segments) < 2
        or segments[0] != "v1"
        or any(s in ("", ".", "..") for s in segments[:-1])
        or segments[-1] in (".", "..")
    ):
        raise NotFound(f"{raw_path} is not an API path.")
    top = segments[1]
    if top in DENIED_TOP:
        raise NotFound(f"{raw_path} is not available to the dashboard.")
    if top == "entities" and (len(segments) < 3 or segments[2] != claims.entity_id or "api-keys" in segments[3:]):
        # the session's own entity only, never its keys or other entities
        raise NotFound(f"{raw_path} is not available to the dashboard.")
    return path


def _request_headers(request: Request, api: FolioApi, claims: Claims) -> list[tuple[str, str]]:
    connection_listed = {h.strip().lower() for h in request.headers.get("connection", "").split(",")}
    headers = [
        (k, v)
        for k, v in request.headers.items()
        if k.lower() not in DROP_REQUEST and k.lower() not in connection_listed
    ]
    headers.append(("authorization", f"Bearer {api.user_credential(claims)}"))
    headers.append(("x-entity-id", claims.entity_id))
    return headers


def _response_headers(response: httpx.Response) -> dict[str, str]:
    listed = {h.strip().lower() for h in response.headers.get("connection", "").split(",")}
    return {
        k: v
        for k, v in response.headers.items()
        if k.lower() not in DROP_RESPONSE and k.lower() not in listed and k.lower() != "content-type"
    }


def _has_body(request: Request) -> bool:
    headers = request.headers
    return "transfer-encoding" in headers or int(headers.get("content-length") or 0) > 0


async def forward(api: FolioApi, request: Request, claims: Claims, *, prefix: str, vary: str) -> Response:
    """Forward the dashboard's call under ``prefix`` (the embed's ``/embed/api``, or the standalone
    dashboard's ``/app/api``); ``vary`` names the request header that carries the session.

    With the API in this process (``folio serve``), the answer is an :class:`InProcess` response that calls
    the API's ASGI app directly when Litestar sends it: the caller's ``receive`` feeds the API (the body
    streams up unbuffered), the API's messages go to the caller's ``send`` with the headers filtered (the
    body streams down); no httpx request, no queue, no copy. Otherwise the shared httpx client relays it."""
    raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    path = upstream_path(raw_path, claims, prefix)
    query = request.scope.get("query_string", b"")
    if api.in_process is not None:
        return InProcess(api, path, query, claims, vary.encode("latin-1"))
    url = path + ("?" + query.decode("latin-1") if query else "")
    upstream = api.client.build_request(
        request.method,
        url,
        headers=_request_headers(request, api, claims),
        content=request.stream() if _has_body(request) else None,
    )
    try:
        response = await api.client.send(upstream, stream=True)
    except httpx.HTTPError as exc:
        raise upstream_failure(exc) from exc

    headers = _response_headers(response)
    if not any(k.lower() == "cache-control" for k in headers):
        headers["Cache-Control"] = "private, no-store"
    listed = [v for k, v in headers.items() if k.lower() == "vary"]
    headers = {k: v for k, v in headers.items() if k.lower() != "vary"}
    headers["Vary"] = ", ".join([*listed, vary])
    media_type = response.headers.get("content-type")
    length = response.headers.get("content-length")
    if (
        request.method == "HEAD"
        or response.status_code in (204, 304)
        or (length is not None and int(length) <= BUFFER_LIMIT)
    ):
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])  # as sent: Content-Encoding kept
        except httpx.HTTPError as exc:
            raise upstream_failure(exc) from exc
        finally:
            await response.aclose()
        headers.pop("content-length", None)
        return Response(content=body, status_code=response.status_code, headers=headers, media_type=media_type)
    return Stream(_relay(response), status_code=response.status_code, headers=headers, media_type=media_type)


async def _relay(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_raw():
            yield chunk
    finally:
        await response.aclose()


# -- the in-process way: the API's ASGI app called directly -------------------------------------------------

_DROP_REQUEST_RAW = frozenset(h.encode("latin-1") for h in DROP_REQUEST)
_DROP_RESPONSE_RAW = frozenset(h.encode("latin-1") for h in DROP_RESPONSE)
_NO_STORE = (b"cache-control", b"private, no-store")


def _listed(value: bytes) -> set[bytes]:
    """The header names a ``Connection`` header's value lists (they are hop-by-hop too)."""
    return {h.strip().lower() for h in value.split(b",")}


def upstream_headers(raw: Iterable[tuple[bytes, bytes]], credential: str, entity_id: str) -> list[tuple[bytes, bytes]]:
    """The caller's headers as the API gets them: its credentials, cookies, origin, forwarding and hop-by-hop
    headers dropped; the entity user's credential and the session's entity added."""
    headers = list(raw)
    connection = [v for k, v in headers if k.lower() == b"connection"]
    listed = _listed(b",".join(connection)) if connection else ()
    kept = [(k, v) for k, v in headers if k.lower() not in _DROP_REQUEST_RAW and k.lower() not in listed]
    kept.append((b"host", IN_PROCESS_HOST))
    kept.append((b"authorization", b"Bearer " + credential.encode("latin-1")))
    kept.append((b"x-entity-id", entity_id.encode("latin-1")))
    return kept


def downstream_headers(raw: Iterable[tuple[bytes, bytes]], vary: bytes) -> list[tuple[bytes, bytes]]:
    """The API's answer headers as the caller gets them: hop-by-hop, Set-Cookie, Date and Server dropped;
    ``Cache-Control: private, no-store`` unless the API set its own; ``Vary`` naming the session's header."""
    headers = [(k.lower(), v) for k, v in raw]
    connection = [v for k, v in headers if k == b"connection"]
    listed = _listed(b",".join(connection)) if connection else ()
    kept, varies, cached = [], [], False
    for k, v in headers:
        if k in _DROP_RESPONSE_RAW or k in listed:
            continue
        if k == b"vary":
            varies.append(v)
            continue
        cached = cached or k == b"cache-control"
        kept.append((k, v))
    if not cached:
        kept.append(_NO_STORE)
    kept.append((b"vary", b", ".join([*varies, vary])))
    return kept


class InProcess(Response):
    """A dashboard call answered by the API in this process (see :func:`forward`)."""

    def __init__(self, api: FolioApi, path: str, query: bytes, claims: Claims, vary: bytes):
        super().__init__(content=None)
        self.api, self.path, self.query, self.claims, self.vary = api, path, query, claims, vary

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> InProcess:  # type: ignore[override]
        return self  # Litestar sends it by calling it: route headers and cookies are not used by the proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = self.api
        assert api.in_process is not None
        credential = api.user_credential(self.claims)
        inner: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": scope.get("http_version", "1.1"),
            "method": cast(dict, scope)["method"],
            "scheme": "http",
            "path": unquote(self.path),
            "raw_path": self.path.encode("latin-1"),
            "query_string": self.query,
            "root_path": "",
            "headers": upstream_headers(scope["headers"], credential, self.claims.entity_id),
            "server": (IN_PROCESS_HOST.decode(), 80),
            "client": IN_PROCESS_CLIENT,
            "state": {},
        }
        await call_in_process(api.in_process, inner, receive, send, self.vary, api.client.timeout.read)


async def call_in_process(
    app: ASGIApp, scope: dict[str, Any], receive: Receive, send: Send, vary: bytes, timeout: float | None
) -> None:
    """Run the API's ``app`` for ``scope``, its answer going to ``send`` with :func:`downstream_headers`.

    ``timeout`` bounds each wait for the API (its first message, then the gap between two), not the time
    the caller takes to read: past it, before the answer started, the API's handler is cancelled and the
    caller gets 504; after, the answer is cut off (as a stalled upstream over HTTP would be). An API that
    fails before answering is a 502."""
    started = False
    loop = asyncio.get_running_loop()

    async def relay(message: Any) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
            message = {**message, "headers": downstream_headers(message.get("headers") or (), vary)}
        if timeout is None:
            await send(message)
            return
        deadline.reschedule(None)  # the caller's pace is not the API's
        try:
            await send(message)
        finally:
            deadline.reschedule(loop.time() + timeout)

    try:
        async with asyncio.timeout(timeout) as deadline:
            await app(cast(Scope, scope), receive, relay)
    except TimeoutError as exc:
        failure = httpx.ReadTimeout("the in-process API did not answer in time")
        if started:
            raise failure from exc
        raise upstream_failure(failure) from None
    except (asyncio.CancelledError, FolioError):
        raise
    except Exception as exc:
        if started:
            raise
        raise upstream_failure(httpx.RemoteProtocolError(f"the in-process API failed: {exc!r}")) from exc
    if not started:
        raise upstream_failure(httpx.RemoteProtocolError("the in-process API sent no answer"))
