"""The proxy's in-process way (``folio serve``: the API's ASGI app called directly, no httpx request):
what reaches the API and what comes back, observed by an echo route added to the API."""

from __future__ import annotations

import hashlib
import json

import httpx
from litestar import Request, get, route
from litestar.enums import HttpMethod
from litestar.response import Stream

from folio.server import create_server_app
from invoicing.auth import Perm
from tests.conftest import running, server_settings
from tests.integration.conftest import assert_problem

PUBLIC = {"permission": Perm.PUBLIC}


@route(
    "/v1/test-echo/{rest:path}",
    http_method=[HttpMethod.GET, HttpMethod.POST],
    opt=PUBLIC,
    status_code=200,
    include_in_schema=False,
)
async def echo(request: Request, rest: str, x: str | None = None, y: str | None = None) -> dict:
    body = await request.body()
    return {
        "path": request.scope["path"],
        "raw_path": request.scope["raw_path"].decode(),
        "query": request.scope["query_string"].decode(),
        "headers": [[k.decode(), v.decode()] for k, v in request.scope["headers"]],
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_length": len(body),
    }


@get("/v1/test-chunks", opt=PUBLIC, include_in_schema=False)
async def chunks() -> Stream:
    async def parts():
        for i in range(64):
            yield bytes([i % 256]) * 8192

    return Stream(
        parts(),
        media_type="application/octet-stream",
        headers={"Cache-Control": "private, max-age=60", "Vary": "Accept-Language", "Set-Cookie": "a=b"},
    )


def _served(server):
    return running(lambda s: create_server_app(s, extra_route_handlers=[echo, chunks]), server_settings(server))


def test_what_reaches_the_api_is_the_sessions_user_and_nothing_of_the_callers(embed, server):
    session = embed.session("viewer")
    with _served(server) as url, embed.dashboard(session, url) as dashboard:
        r = dashboard.get(
            "/test-echo/a%20b/c",
            params={"x": "1", "y": "two words"},
            headers={
                "Cookie": "folio_session=stolen",
                "X-Forwarded-For": "203.0.113.9",
                "Origin": "https://evil.example",
                "X-Entity-Id": "ent_someone_else",
                "X-Csrf-Token": "t",
                "Connection": "keep-alive, X-Secret-Hop",
                "X-Secret-Hop": "must not pass",
                "X-Kept": "passes",
            },
        )
        assert r.status_code == 200, r.text
        seen = r.json()
        headers = {}
        for k, v in seen["headers"]:
            headers.setdefault(k, []).append(v)
        assert seen["path"] == "/v1/test-echo/a b/c" and seen["raw_path"] == "/v1/test-echo/a%20b/c"
        assert seen["query"] == "x=1&y=two+words"
        assert headers["x-entity-id"] == [embed.tenant.entity_id]
        assert len(headers["authorization"]) == 1 and headers["authorization"][0].startswith("Bearer embu_")
        assert headers["x-kept"] == ["passes"]
        for dropped in ("cookie", "x-forwarded-for", "origin", "x-csrf-token", "x-secret-hop", "connection"):
            assert dropped not in headers, dropped
        # the answer: one user's data, never cached by a shared cache, varying with the session
        assert r.headers["cache-control"] == "private, no-store"
        assert r.headers["vary"] == "Authorization"
        assert "set-cookie" not in r.headers


def test_a_body_streams_up_whole_and_an_answer_streams_down_whole(embed, server):
    session = embed.session("viewer")
    payload = bytes(range(256)) * 4096  # 1 MiB

    def pieces():
        for i in range(0, len(payload), 65536):
            yield payload[i : i + 65536]

    with _served(server) as url, embed.dashboard(session, url) as dashboard:
        r = dashboard.post("/test-echo/upload", content=pieces(), headers={"Content-Type": "application/octet-stream"})
        assert r.status_code == 200, r.text
        assert r.json()["body_length"] == len(payload)
        assert r.json()["body_sha256"] == hashlib.sha256(payload).hexdigest()

        with dashboard.stream("GET", "/test-chunks") as streamed:
            assert streamed.status_code == 200
            body = b"".join(streamed.iter_raw())
            assert streamed.headers["cache-control"] == "private, max-age=60"  # the API's own is kept
            assert streamed.headers["vary"] == "Accept-Language, Authorization"
            assert "set-cookie" not in streamed.headers
        assert body == b"".join(bytes([i % 256]) * 8192 for i in range(64))


def test_the_in_process_way_still_refuses_what_the_dashboard_never_needs(embed, server):
    session = embed.session("admin")
    with _served(server) as url, embed.dashboard(session, url) as dashboard:
        assert_problem(dashboard.get("/account"), 404)
        assert_problem(dashboard.get("/test-echo/%2e%2e/account"), 404)
        r = httpx.get(f"{url}/embed/api/v1/test-echo/x")
        assert_problem(r, 401, code="no_session")
        body = json.loads(dashboard.get("/me").text)
        assert body["role"] == "admin"
