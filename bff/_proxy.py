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

from collections.abc import AsyncIterator
from urllib.parse import unquote

import httpx
from litestar import Request, Response
from litestar.enums import HttpMethod
from litestar.response import Stream

from bff._api import FolioApi, upstream_failure
from bff._tokens import Claims
from contract.errors import NotFound

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
    dashboard's ``/app/api``); ``vary`` names the request header that carries the session."""
    raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    path = upstream_path(raw_path, claims, prefix)
    query = request.scope.get("query_string", b"")
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
