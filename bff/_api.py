"""The BFF's way to the API of record: one shared ``httpx.AsyncClient``, created in the app's
lifespan, with explicit timeouts and limits.

::

    FolioApi.client ── StreamingASGITransport(app) the API in this process (``folio serve``), no socket
                    └─ HTTP to FOLIO_API_URL       a separate API deployment (same FOLIO_SECRET_KEYS)

Tests swap the transport (``create_bff_app(..., transport=…)``) rather than patching functions.
Every failure to reach the API becomes problem+json: a timeout 504, anything else on the wire 502.
"""

from __future__ import annotations

from typing import Any

import httpx

from bff._asgi import StreamingASGITransport
from bff._tokens import Claims, TokenRefused
from bff.config import BffSettings
from contract import credentials
from contract.errors import FolioError, Forbidden, NotFound, UpstreamError

IN_PROCESS_BASE = "http://folio-api.internal"
IN_PROCESS_HOST = b"folio-api.internal"
IN_PROCESS_CLIENT = ("127.0.0.1", 0)
"""The client address the API sees for the BFF's in-process calls (as :class:`StreamingASGITransport`'s)."""


class UpstreamTimeout(UpstreamError):
    status, title = 504, "Gateway timeout"


class ApiProblem(FolioError):
    """An error answer of the API, passed on with its own status and words."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(
            str(body.get("detail") or body.get("title") or "The API refused the request."),
            errors=body.get("errors"),
            **{k: v for k, v in body.items() if k not in ("type", "status", "title", "detail", "errors")},
        )
        self.status = status
        self.title = str(body.get("title") or "Error")


def make_client(
    settings: BffSettings, transport: httpx.AsyncBaseTransport | None, app: Any | None
) -> httpx.AsyncClient:
    """The shared client: ASGI transport to ``app`` unless an API URL or a transport is given."""
    base_url = settings.api_url or IN_PROCESS_BASE
    if transport is None and not settings.api_url:
        if app is None:
            raise RuntimeError("the BFF needs FOLIO_API_URL, or the API app to reach in-process")
        transport = StreamingASGITransport(app, client=IN_PROCESS_CLIENT)
    timeout = httpx.Timeout(
        settings.api_timeout, connect=settings.api_connect_timeout, pool=settings.api_connect_timeout
    )
    limits = httpx.Limits(
        max_connections=settings.api_max_connections,
        max_keepalive_connections=max(1, settings.api_max_connections // 2),
        keepalive_expiry=30,
    )
    return httpx.AsyncClient(
        base_url=base_url, transport=transport, timeout=timeout, limits=limits, follow_redirects=False, trust_env=False
    )


def upstream_failure(exc: httpx.HTTPError) -> UpstreamError:
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout("The invoicing API did not answer in time.")
    return UpstreamError(f"The invoicing API could not be reached ({type(exc).__name__}).")


def api_problem(response: httpx.Response) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiProblem(response.status_code, body)


class FolioApi:
    def __init__(self, client: httpx.AsyncClient, keys: list[str]):
        self.client = client
        self.keys = keys
        transport = getattr(client, "_transport", None)
        self.in_process: Any | None = transport.app if isinstance(transport, StreamingASGITransport) else None
        """The API's ASGI app when it runs in this process (the proxy calls it directly), else None."""

    async def request(
        self, method: str, path: str, credential: str, *, entity_id: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {credential}"}
        if entity_id:
            headers["X-Entity-Id"] = entity_id
        try:
            return await self.client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise upstream_failure(exc) from exc

    async def client_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call with no credential (the API checks what the body carries, e.g. a sign-in link)."""
        try:
            return await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise upstream_failure(exc) from exc

    def user_credential(self, claims: Claims) -> str:
        return credentials.sign_user(
            list(self.keys), claims.account_id, claims.environment, claims.entity_id, claims.user_id
        )

    async def account(self, account_key: str) -> dict[str, Any]:
        """The account behind an account key; the API decides whether the key is valid."""
        response = await self.request("GET", "/v1/account", account_key)
        if response.status_code == 403:
            raise Forbidden("Embed tokens are minted with an account key (sk_…); this key cannot.")
        if response.status_code != 200:
            raise api_problem(response)
        return response.json()

    async def entity_user(
        self, account_key: str, entity_id: str, *, user_id: str | None, external_id: str | None
    ) -> dict[str, Any]:
        """The entity user, looked up with the account key: 404 outside the account, like the API."""
        if user_id:
            response = await self.request("GET", f"/v1/entity-users/{user_id}", account_key, entity_id=entity_id)
            if response.status_code != 200:
                raise api_problem(response)
            return response.json()
        response = await self.request(
            "GET", "/v1/entity-users", account_key, entity_id=entity_id, params={"external_id": external_id, "limit": 1}
        )
        if response.status_code != 200:
            raise api_problem(response)
        users = response.json()["data"]
        if not users:
            raise NotFound(f"Entity {entity_id} has no user with external_id {external_id!r}.")
        return users[0]

    async def consume(self, claims: Claims) -> dict[str, Any]:
        """Spend the token's jti (once); answers the user, entity and permissions."""
        response = await self.request(
            "POST",
            "/v1/embed/token-uses",
            self.user_credential(claims),
            entity_id=claims.entity_id,
            json={"jti": claims.jti, "expires_at": claims.expires_at_iso()},
        )
        if response.status_code == 409:
            raise TokenRefused("This embed token was already used; a token works once.", "used")
        if response.status_code == 401:
            raise TokenRefused(api_problem(response).detail, "no_access")
        if response.status_code != 201:
            raise api_problem(response)
        return response.json()

    async def shell(self, entity_id: str) -> dict[str, Any] | None:
        """The entity's name, locale, branding and frame origins; ``None`` for an unknown entity."""
        response = await self.request(
            "GET", "/v1/embed/shell", credentials.sign_shell(list(self.keys), entity_id), entity_id=entity_id
        )
        if response.status_code in (401, 404):
            return None
        if response.status_code != 200:
            raise api_problem(response)
        return response.json()
