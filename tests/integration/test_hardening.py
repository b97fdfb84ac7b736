"""The BFF's doors under attack, through HTTP on a real server (SQLite and PostgreSQL): cross-site
posts to the standalone dashboard's session endpoints, abuse limits with Retry-After (on a frozen
clock, at the exact boundary), the spent-token purge, and what the session answers may be cached as.

Each limit test speaks from its own client address (``X-Forwarded-For``, which uvicorn trusts from
loopback), so the tests never share a window with each other or with the rest of the suite."""

from __future__ import annotations

import asyncio
import itertools
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from sqlalchemy import select

from bff import Limit
from bff.config import BffSettings
from invoicing.db import Database
from invoicing.db.models import EmbedTokenUse
from invoicing.embed.purge import GRACE, purge_spent_tokens
from tests.conftest import _free_port, running, server_settings, start_server
from tests.integration.conftest import (
    HOST,
    INVOICE,
    Embed,
    add_users,
    address,
    assert_problem,
    emails_to,
    invite,
    latest_link,
    wait_for_emails,
)

EVIL = "https://evil.example"
# the server fixture runs with the default limits
PER_EMAIL = Limit.parse(BffSettings().limit_sign_in_email)
PER_IP = Limit.parse(BffSettings().limit_sign_in_ip)
SESSIONS = Limit.parse(BffSettings().limit_session_ip)
_ips = itertools.count(1)


def new_ip() -> str:
    """A client address no other test uses (TEST-NET-3, then TEST-NET-2)."""
    n = next(_ips)
    return f"203.0.113.{n}" if n < 255 else f"198.51.100.{n - 254}"


def browser(server, **headers) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30, headers=headers)


@pytest.fixture
def embed(server, tenant) -> Embed:
    tenant.account.patch("/v1/account", json={"embed_allowed_origins": [HOST]}).raise_for_status()
    return Embed(server, tenant, add_users(tenant))


def frozen(at: datetime):
    return time_machine.travel(at, tick=False)


def now_second() -> datetime:
    return datetime.fromtimestamp(int(time.time()), UTC)


# -- 1. cross-site posts to the session doors -------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_sign_in_link_posted_from_another_site_is_refused_and_stays_unspent(server, tenant, headers):
    user = invite(tenant)
    token = latest_link(tenant, user["email"])
    r = browser(server, **headers).post("/app/session", json={"token": token})
    body = assert_problem(r, 403, code="cross_origin" if "Origin" in headers else "cross_site", words="another site")
    assert "/app/session" in body["detail"]
    assert "set-cookie" not in r.headers
    # the link was not spent: from Folio's own page it still signs in
    ok = browser(server, Origin=server.url, **{"Sec-Fetch-Site": "same-origin"}).post(
        "/app/session", json={"token": token}
    )
    assert ok.status_code == 201, ok.text


def test_sign_in_requests_from_another_site_send_nothing(server, tenant):
    user = invite(tenant)
    before = len(emails_to(tenant, user["email"]))
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}):
        r = browser(server, **headers).post("/app/sign-in", json={"email": user["email"]})
        assert_problem(r, 403, words="another site")
    # a malformed body from another site is refused for where it came from, before it is read
    assert_problem(browser(server, Origin=EVIL).post("/app/sign-in", content=b"nonsense"), 403, code="cross_origin")
    # same origin, and a header-less server-to-server call, still work
    assert browser(server, Origin=server.url).post("/app/sign-in", json={"email": user["email"]}).status_code == 202
    assert browser(server).post("/app/sign-in", json={"email": user["email"]}).status_code == 202
    assert len(wait_for_emails(tenant, user["email"], before + 2)) == before + 2


def test_sign_out_from_another_site_is_refused_and_keeps_the_session(server, tenant):
    user = invite(tenant)
    client = browser(server)
    assert client.post("/app/session", json={"token": latest_link(tenant, user["email"])}).status_code == 201
    r = client.post("/app/sign-out", headers={"Origin": EVIL})
    assert_problem(r, 403, code="cross_origin")
    assert "set-cookie" not in r.headers
    assert client.get("/app/session").status_code == 200
    assert client.post("/app/sign-out", headers={"Origin": server.url}).status_code == 204


def test_unsafe_app_api_calls_from_another_site_are_refused_even_with_the_csrf_token(server, tenant):
    user = invite(tenant, "editor")
    client = browser(server)
    session = client.post("/app/session", json={"token": latest_link(tenant, user["email"])}).json()
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    assert_problem(
        client.post("/app/api/v1/invoices", json=INVOICE, headers={**csrf, "Origin": EVIL}), 403, code="cross_origin"
    )
    assert tenant.api.get("/v1/invoices").json()["data"] == []
    assert client.get("/app/api/v1/invoices", headers={"Origin": EVIL}).status_code == 200  # reads: SameSite decides
    r = client.post("/app/api/v1/invoices", json=INVOICE, headers={**csrf, "Origin": server.url})
    assert r.status_code == 201, r.text


@contextmanager
def folio_at(server, public_url: str):
    """Another server on the same database whose public URL is not how the test reaches it."""
    from folio.server import create_server_app

    settings = server_settings(server)
    settings.public_url = public_url
    port = _free_port()
    srv, thread = start_server(create_server_app(settings), port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_the_public_url_and_the_requests_own_host_are_the_apps_origin(server, tenant):
    with folio_at(server, "https://invoices.example.com") as url:
        port = url.rsplit(":", 1)[1]
        for origin, status in (
            ("https://invoices.example.com", 202),
            ("HTTPS://Invoices.Example.com:443", 202),
            (url, 202),
            ("http://invoices.example.com", 403),
            ("https://invoices.example.com.evil.example", 403),
            (f"http://localhost:{port}", 403),
            (f"https://127.0.0.1:{port}", 403),
        ):
            r = httpx.post(f"{url}/app/sign-in", json={"email": address()}, headers={"Origin": origin})
            assert r.status_code == status, (origin, r.text)


# -- 2. abuse limits ---------------------------------------------------------------------------------------


def test_sign_in_is_limited_per_address_and_a_refused_request_sends_nothing(server, tenant):
    user = invite(tenant)
    invited = len(emails_to(tenant, user["email"]))
    start = now_second()
    with frozen(start):
        for _ in range(PER_EMAIL.count):  # each from its own client address: only the per-address window fills
            r = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": user["email"]})
            assert r.status_code == 202, r.text
        r = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": user["email"].upper()})
    body = assert_problem(r, 429, code="rate_limited", words="this e-mail address")
    assert r.headers["retry-after"] == str(PER_EMAIL.seconds) and body["retry_after"] == PER_EMAIL.seconds
    assert r.headers["cache-control"] == "no-store"
    sent = invited + PER_EMAIL.count
    assert len(wait_for_emails(tenant, user["email"], sent)) == sent

    with frozen(start + timedelta(seconds=PER_EMAIL.seconds - 1)):
        r = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": user["email"]})
    assert_problem(r, 429, code="rate_limited")
    assert r.headers["retry-after"] == "1"
    with frozen(start + timedelta(seconds=PER_EMAIL.seconds)):
        r = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": user["email"]})
        assert r.status_code == 202, r.text
        # the two refused requests sent nothing: one more message, for the one let through
        assert len(wait_for_emails(tenant, user["email"], sent + 1)) == sent + 1
    assert len(emails_to(tenant, user["email"])) == sent + 1


def test_sign_in_is_limited_per_client_address(server, tenant):
    ip = new_ip()
    user = invite(tenant)
    before = len(emails_to(tenant, user["email"]))
    start = now_second()
    with frozen(start):
        for _ in range(PER_IP.count):
            assert (
                browser(server, **{"X-Forwarded-For": ip}).post("/app/sign-in", json={"email": address()}).status_code
                == 202
            )
        r = browser(server, **{"X-Forwarded-For": ip}).post("/app/sign-in", json={"email": user["email"]})
        assert_problem(r, 429, code="rate_limited", words="from this address")
        assert r.headers["retry-after"] == str(PER_IP.seconds)
        # another client is not held back
        other = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": address()})
        assert other.status_code == 202
        # an IPv6 client counts by its /64 (one host has billions of addresses)
        prefix = f"2001:db8:0:{next(_ips):x}::"
        for n in range(PER_IP.count):
            assert (
                browser(server, **{"X-Forwarded-For": f"{prefix}{n + 1:x}"})
                .post("/app/sign-in", json={"email": address()})
                .status_code
                == 202
            )
        assert_problem(
            browser(server, **{"X-Forwarded-For": f"{prefix}ffff"}).post("/app/sign-in", json={"email": address()}),
            429,
            code="rate_limited",
        )
    with frozen(start + timedelta(seconds=PER_IP.seconds)):
        assert (
            browser(server, **{"X-Forwarded-For": ip}).post("/app/sign-in", json={"email": user["email"]}).status_code
            == 202
        )
        assert len(wait_for_emails(tenant, user["email"], before + 1)) == before + 1


def test_embed_sessions_are_limited_per_client_address_and_a_refused_token_stays_good(server, embed):
    ip = new_ip()
    dashboard = browser(server, **{"X-Forwarded-For": ip})
    start = now_second()
    with frozen(start):
        token = embed.token("viewer", ttl_seconds=300)
        for _ in range(SESSIONS.count):  # failed attempts count too: that is what guessing looks like
            assert_problem(dashboard.post("/embed/session", json={"token": "ent_x.nonsense.sig"}), 401)
        r = dashboard.post("/embed/session", json={"token": token})
        assert_problem(r, 429, code="rate_limited", words="dashboard sessions")
        assert r.headers["retry-after"] == str(SESSIONS.seconds)
        assert (
            browser(server, **{"X-Forwarded-For": new_ip()})
            .post("/embed/session", json={"token": embed.token("viewer")})
            .status_code
            == 201
        )
    with frozen(start + timedelta(seconds=SESSIONS.seconds - 1)):
        r = dashboard.post("/embed/session", json={"token": token})
        assert_problem(r, 429, code="rate_limited")
        assert r.headers["retry-after"] == "1"
    with frozen(start + timedelta(seconds=SESSIONS.seconds)):
        r = dashboard.post("/embed/session", json={"token": token})  # never spent by the refused attempts
        assert r.status_code == 201, r.text
        assert r.headers["cache-control"] == "no-store"


def test_app_sessions_are_limited_per_client_address_and_a_refused_link_stays_good(server, tenant):
    ip = new_ip()
    user = invite(tenant)
    token = latest_link(tenant, user["email"])
    client = browser(server, **{"X-Forwarded-For": ip})
    start = now_second()
    with frozen(start):
        for _ in range(SESSIONS.count):
            assert_problem(client.post("/app/session", json={"token": "nonsense"}), 401, code="tampered")
        r = client.post("/app/session", json={"token": token})
        assert_problem(r, 429, code="rate_limited")
        assert r.headers["retry-after"] == str(SESSIONS.seconds) and "set-cookie" not in r.headers
    with frozen(start + timedelta(seconds=SESSIONS.seconds)):
        assert client.post("/app/session", json={"token": token}).status_code == 201


def test_the_sign_in_answer_is_the_same_for_known_and_unknown_addresses(server, tenant):
    user = invite(tenant)
    known = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": user["email"]})
    unknown = browser(server, **{"X-Forwarded-For": new_ip()}).post("/app/sign-in", json={"email": address()})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    strip = {"date", "content-length"}
    assert {k: v for k, v in known.headers.items() if k not in strip} == {
        k: v for k, v in unknown.headers.items() if k not in strip
    }


# -- 3. the spent-token purge ------------------------------------------------------------------------------


def token_uses(server, user_id: str) -> list[EmbedTokenUse]:
    async def run():
        db = Database(server.database_url)
        try:
            async with db.transaction(write=False) as session:
                return list(
                    (await session.execute(select(EmbedTokenUse).where(EmbedTokenUse.user_id == user_id))).scalars()
                )
        finally:
            await db.dispose()

    return asyncio.run(run())


def purge(server, at: datetime) -> int:
    async def run():
        db = Database(server.database_url)
        try:
            return await purge_spent_tokens(db)
        finally:
            await db.dispose()

    with frozen(at):
        return asyncio.run(run())


def test_a_new_process_purges_expired_spent_tokens_and_keeps_live_ones_that_still_block_a_replay(server, embed):
    from folio.server import create_server_app

    user_id = embed.users["editor"]["id"]
    an_hour_ago = now_second() - timedelta(hours=1)
    with frozen(an_hour_ago):
        old = embed.token("editor", ttl_seconds=60)
        assert httpx.post(f"{embed.url}/embed/session", json={"token": old}).status_code == 201
    live = embed.token("editor", ttl_seconds=300)
    assert httpx.post(f"{embed.url}/embed/session", json={"token": live}).status_code == 201
    assert len(token_uses(server, user_id)) == 2

    with running(create_server_app, server_settings(server)) as url:  # its lifespan purges before it serves
        rows = token_uses(server, user_id)
        assert len(rows) == 1 and rows[0].expires_at > datetime.now(UTC)
        assert_problem(httpx.post(f"{url}/embed/session", json={"token": live}), 401, code="used")
        assert_problem(httpx.post(f"{url}/embed/session", json={"token": old}), 401, code="expired")


def test_a_spent_token_is_purged_only_once_no_process_could_accept_it(server, embed):
    user_id = embed.users["viewer"]["id"]
    start = now_second()
    with frozen(start):
        token = embed.token("viewer", ttl_seconds=30)
        assert httpx.post(f"{embed.url}/embed/session", json={"token": token}).status_code == 201
    expires = start + timedelta(seconds=30)
    assert token_uses(server, user_id)[0].expires_at == expires

    purge(server, expires + GRACE)
    assert len(token_uses(server, user_id)) == 1
    with frozen(expires):  # the token's last second: its signature passes, and the row refuses the replay
        assert_problem(httpx.post(f"{embed.url}/embed/session", json={"token": token}), 401, code="used")
    purge(server, expires + GRACE + timedelta(seconds=1))
    assert token_uses(server, user_id) == []
    with frozen(expires + GRACE + timedelta(seconds=1)):  # row gone: the signature's age refuses it
        assert_problem(httpx.post(f"{embed.url}/embed/session", json={"token": token}), 401, code="expired")


def test_redeemed_sign_in_links_are_purged_after_their_72_hours(server, tenant):
    user = invite(tenant)
    assert browser(server).post("/app/session", json={"token": latest_link(tenant, user["email"])}).status_code == 201
    (row,) = token_uses(server, user["id"])
    assert timedelta(hours=71, minutes=59) < row.expires_at - datetime.now(UTC) <= timedelta(hours=72)
    purge(server, row.expires_at + GRACE)
    assert len(token_uses(server, user["id"])) == 1
    purge(server, row.expires_at + GRACE + timedelta(seconds=1))
    assert token_uses(server, user["id"]) == []


# -- 4. what the session answers may be cached as -----------------------------------------------------------


def test_session_answers_are_never_cached_and_proxied_data_is_private(server, embed, tenant):
    r = httpx.post(
        f"{embed.url}/embed/session", json={"token": embed.token("admin")}, headers={"X-Forwarded-For": new_ip()}
    )
    assert r.headers["cache-control"] == "no-store"
    with embed.dashboard(r.json()) as dashboard:
        listed = dashboard.get("/invoices")
        assert listed.headers["cache-control"] == "private, no-store"
        assert "Authorization" in listed.headers["vary"]

    user = invite(tenant)
    client = browser(server)
    opened = client.post("/app/session", json={"token": latest_link(tenant, user["email"])})
    assert opened.headers["cache-control"] == "no-store" and opened.headers["vary"] == "Cookie"
    current = client.get("/app/session")
    assert current.headers["cache-control"] == "no-store" and current.headers["vary"] == "Cookie"
    listed = client.get("/app/api/v1/invoices")
    assert listed.headers["cache-control"] == "private, no-store" and "Cookie" in listed.headers["vary"]
    sign_in = client.post("/app/sign-in", json={"email": address()})
    assert sign_in.headers["cache-control"] == "no-store"
