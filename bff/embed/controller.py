"""The embedding door's routes: tokens, sessions, the proxy, the shell, the SDK and the bundle's files.
Public as far as the API's guard goes (in one process it sees them): each checks its own credential
(an account key verified by the API, an embed token, a session token)."""

from __future__ import annotations

from importlib import resources
from mimetypes import guess_type

from litestar import Request, Response, get, post, route
from litestar.response import File

from bff import IMMUTABLE, PROXY_METHODS, RATE_LIMIT_HANDLERS, client_key, forward, is_entity_id, shell_page, take
from bff.embed.schemas import EmbedSessionCreate, EmbedSessionOut, EmbedTokenCreate, EmbedTokenOut
from bff.embed.service import EmbedService
from contract.errors import NotFound
from contract.hygiene import input_hygiene
from contract.permissions import Perm

PUBLIC = {"permission": Perm.PUBLIC}
SDK = resources.files("bff.embed").joinpath("sdk.js").read_bytes()
EMBED_MODE = {"mode": "embed", "apiBase": "/embed/api/v1", "sessionUrl": "/embed/session"}


def embed(request: Request) -> EmbedService:
    return request.app.state.embed


@post(
    "/embed/tokens",
    operation_id="createEmbedToken",
    opt={**PUBLIC, "problems": ("401", "403", "404")},
    middleware=[input_hygiene],  # contract.hygiene: the API's input checks, for a BFF on its own too
    tags=["Embed"],
    summary="Mint a single-use embed token for one entity user (account key)",
)
async def create_token(request: Request, data: EmbedTokenCreate) -> Response[EmbedTokenOut]:
    result = await embed(request).mint_token(request.headers.get("authorization", ""), data)
    return Response(result, status_code=201, headers={"Cache-Control": "no-store"})


@post(
    "/embed/session",
    operation_id="createEmbedSession",
    opt={**PUBLIC, "problems": ("401", "429")},
    middleware=[input_hygiene],  # contract.hygiene: the API's input checks, for a BFF on its own too
    tags=["Embed"],
    security=[],
    exception_handlers=RATE_LIMIT_HANDLERS,
    summary="Exchange an embed token (once) for a dashboard session",
    description="401 problem+json with `code` `used`, `expired`, `tampered`, `wrong_purpose`, `malformed` or "
    "`no_access`; 429 with `Retry-After` past the per-IP limit.",
)
async def create_session(request: Request, data: EmbedSessionCreate) -> Response[EmbedSessionOut]:
    service = embed(request)
    await take((service.limits.embed_session_ip, client_key(request), "to open dashboard sessions from this address"))
    result = await service.open_session(data)
    return Response(result, status_code=201, headers={"Cache-Control": "no-store"})


@route(
    "/embed/api/{path:path}", http_method=PROXY_METHODS, opt=PUBLIC, operation_id="embedProxy", include_in_schema=False
)
async def proxy(request: Request) -> Response:
    service = embed(request)
    claims = service.claims(request.headers.get("authorization", ""))
    return await forward(service.api, request, claims, prefix="/embed/api", vary="Authorization")


@get("/embed", opt=PUBLIC, operation_id="embedShell", include_in_schema=False)
async def shell(request: Request, entity: str | None = None) -> Response:
    service = embed(request)
    info = await service.api.shell(entity) if entity and is_entity_id(entity) else None
    page = shell_page(service.bundle, info, EMBED_MODE, frame_ancestors=(info or {}).get("frame_ancestors") or [])
    return Response(page.html, status_code=page.status, media_type="text/html", headers=page.headers)


@get("/embed/sdk.js", opt=PUBLIC, operation_id="embedSdk", include_in_schema=False)
async def sdk() -> Response:
    return Response(
        SDK,
        media_type="text/javascript",
        headers={
            "Cache-Control": "public, max-age=300",
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
            "X-Content-Type-Options": "nosniff",
        },
    )


@get("/static/{path:path}", opt=PUBLIC, operation_id="dashboardAsset", include_in_schema=False)
async def static_asset(request: Request, path: str) -> File:
    file = embed(request).bundle.asset(path)
    if file is None:
        raise NotFound(f"/static{path} does not exist.")
    cache = IMMUTABLE if path.lstrip("/").startswith("assets/") else "public, max-age=300"
    media_type = guess_type(file.name)[0] or "application/octet-stream"
    if media_type in ("text/javascript", "application/javascript", "text/css"):
        media_type += "; charset=utf-8"
    return File(
        file,
        media_type=media_type,
        content_disposition_type="inline",
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )


ROUTE_HANDLERS = [create_token, create_session, proxy, shell, sdk, static_asset]
