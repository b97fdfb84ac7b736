"""The standalone dashboard's routes, first-party at ``/app``: the shell, the cookie session, sign-in
by e-mail and the proxy. Public as far as the API's guard goes: each checks its own credential
(a sign-in link verified by the API, the session cookie, the CSRF header)."""

from __future__ import annotations

from litestar import Request, Response, get, post, route
from litestar.background_tasks import BackgroundTask

from bff import PROXY_METHODS, RATE_LIMIT_HANDLERS, client_key, forward, is_entity_id, shell_page, take
from bff.app import _session
from bff.app._origin import same_origin
from bff.app.schemas import AppSessionCreate, AppSessionOut, SignInLinkRequest, SignInLinkSent
from bff.app.service import AppService
from contract.errors import FolioError, folio_error_handler
from contract.hygiene import input_hygiene
from contract.permissions import Perm

PUBLIC = {"permission": Perm.PUBLIC}
TAGS = ["Standalone dashboard"]
APP_MODE = {
    "mode": "app",
    "apiBase": "/app/api/v1",
    "sessionUrl": "/app/session",
    "signInUrl": "/app/sign-in",
    "signOutUrl": "/app/sign-out",
}
NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}
# the session doors: same-origin only (see bff.app._origin), 429 with Retry-After past a limit (bff._limits)


def standalone(request: Request) -> AppService:
    return request.app.state.standalone


def _refused(request: Request, exc: FolioError, service: AppService) -> Response:
    """The problem, and the cookie cleared: a session that failed once will not work again."""
    response = folio_error_handler(request, exc)
    response.cookies.append(_session.cleared_cookie(secure=service.secure))
    response.headers.update(NO_STORE)
    return response


@post(
    "/app/session",
    operation_id="createAppSession",
    opt={**PUBLIC, "problems": ("401", "403", "429")},
    middleware=[input_hygiene],  # contract.hygiene: the API's input checks, for a BFF on its own too
    tags=TAGS,
    security=[],
    guards=[same_origin],
    exception_handlers=RATE_LIMIT_HANDLERS,
    summary="Sign in with an e-mailed link (once): sets the folio_app session cookie",
    description="401 problem+json with `code` `used`, `expired`, `revoked` (a newer link was sent or the "
    "invitation was revoked), `no_access` (the user was removed) or `tampered`; 403 (`cross_origin`, "
    "`cross_site`) for a request from another site; 429 with `Retry-After` past the per-IP limit.",
)
async def create_session(request: Request, data: AppSessionCreate) -> Response[AppSessionOut]:
    service = standalone(request)
    await take((service.limits.app_session_ip, client_key(request), "to sign in from this address"))
    cookie, body = await service.open_session(data.token)
    return Response(
        body,
        status_code=201,
        headers=NO_STORE,
        cookies=[_session.session_cookie(cookie, secure=service.secure, max_age=service.session_ttl)],
    )


@get(
    "/app/session",
    operation_id="getAppSession",
    opt={**PUBLIC, "problems": ("401",)},
    tags=TAGS,
    security=[],
    summary="The signed-in user, with the role the API holds now (401 without a valid session cookie)",
)
async def get_session(request: Request) -> Response[AppSessionOut]:
    service = standalone(request)
    try:
        body = await service.current(service.claims(request.cookies.get(_session.COOKIE)))
    except FolioError as exc:
        if exc.status != 401:
            raise
        return _refused(request, exc, service)
    return Response(body, headers=NO_STORE)


@post(
    "/app/sign-out",
    operation_id="signOutApp",
    opt={**PUBLIC, "problems": ("403",)},
    tags=TAGS,
    security=[],
    status_code=204,
    guards=[same_origin],
    exception_handlers=RATE_LIMIT_HANDLERS,
    summary="Sign out: clears the session cookie",
    description="403 (`cross_origin`, `cross_site`) for a request from another site.",
)
async def sign_out(request: Request) -> Response[None]:
    service = standalone(request)
    return Response(None, status_code=204, headers=NO_STORE, cookies=[_session.cleared_cookie(secure=service.secure)])


@post(
    "/app/sign-in",
    operation_id="requestAppSignInLink",
    opt={**PUBLIC, "problems": ("403", "429")},
    middleware=[input_hygiene],  # contract.hygiene: the API's input checks, for a BFF on its own too
    tags=TAGS,
    security=[],
    status_code=202,
    guards=[same_origin],
    exception_handlers=RATE_LIMIT_HANDLERS,
    summary="E-mail a sign-in link to every team member with this address",
    description='Always 202 `{"sent": true}`, whether or not the address belongs to anyone; 422 for a '
    "malformed address. Each new link replaces the ones sent before. The links are looked up "
    "and e-mailed after the answer, so it comes as fast for an unknown address. 403 (`cross_origin`, "
    "`cross_site`) for a request from another site; 429 with `Retry-After` past the limit per "
    "address or per IP (then no e-mail is sent).",
)
async def request_link(request: Request, data: SignInLinkRequest) -> Response[SignInLinkSent]:
    service = standalone(request)
    email = await service.admit_sign_in(data.email, client_key(request))
    return Response(
        SignInLinkSent(sent=True),
        status_code=202,
        headers=NO_STORE,
        background=BackgroundTask(service.send_links_after_answering, email),
    )


@route(
    "/app/api/{path:path}",
    http_method=PROXY_METHODS,
    opt=PUBLIC,
    operation_id="appProxy",
    include_in_schema=False,
    guards=[same_origin],
)
async def proxy(request: Request) -> Response:
    service = standalone(request)
    claims = service.claims(request.cookies.get(_session.COOKIE))
    if request.method not in _session.SAFE_METHODS:
        _session.check_csrf(service.signer.keys, claims.jti, request.headers.get(_session.CSRF_HEADER))
    return await forward(service.api, request, claims, prefix="/app/api", vary="Cookie")


async def _shell_response(request: Request, entity: str | None, *, prefer_query: bool) -> Response:
    service = standalone(request)
    wanted = service.shell_entity(
        request.cookies.get(_session.COOKIE),
        entity if entity and is_entity_id(entity) else None,
        prefer_query=prefer_query,
    )
    info = await service.api.shell(wanted) if wanted else None
    page = shell_page(service.bundle, info, APP_MODE, frame_ancestors=[])  # first-party: frame-ancestors 'none'
    return Response(
        page.html, status_code=page.status, media_type="text/html", headers={**page.headers, "Vary": "Cookie"}
    )


@get("/app", opt=PUBLIC, operation_id="appShell", include_in_schema=False)
async def shell(request: Request, entity: str | None = None) -> Response:
    return await _shell_response(request, entity, prefer_query=False)


@get("/app/sign-in", opt=PUBLIC, operation_id="appSignInShell", include_in_schema=False)
async def sign_in_shell(request: Request, entity: str | None = None) -> Response:
    return await _shell_response(request, entity, prefer_query=True)


ROUTE_HANDLERS = [create_session, get_session, sign_out, request_link, proxy, shell, sign_in_shell]
